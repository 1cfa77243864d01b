/** Made-up names and merchants, so generated rows read like a real program's. */
export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Amelia', 'Oliver', 'Sophia', 'Elijah', 'Charlotte', 'James',
  'Ava', 'William', 'Isabella', 'Benjamin', 'Mia', 'Lucas', 'Evelyn', 'Henry', 'Harper', 'Theodore',
  'Camila', 'Mateo', 'Gianna', 'Jack', 'Luna', 'Levi', 'Sofia', 'Alexander', 'Aaliyah', 'Jackson',
  'Maya', 'Ethan', 'Nora', 'Daniel', 'Priya', 'Wei', 'Fatima', 'Diego', 'Keisha', 'Tomasz',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Nguyen', 'Patel', 'Kim', 'Okafor', 'Kowalski', 'Schmidt', 'Rossi', 'Haddad', 'Novak', 'Chen',
] as const;

export const BUSINESS_WORDS = [
  'Prairie', 'Lakeshore', 'Bluebird', 'Ironwood', 'Cedar', 'Harbor', 'Summit', 'Maple', 'Riverbend', 'Northstar',
  'Copper', 'Willow', 'Granite', 'Beacon', 'Meadow', 'Juniper', 'Canyon', 'Redbud', 'Lantern', 'Orchard',
] as const;

export const BUSINESS_TRADES = [
  'Bakery', 'Plumbing', 'Dental Studio', 'Landscaping', 'Coffee Roasters', 'Auto Repair', 'Design Co',
  'Logistics', 'Florist', 'Fitness', 'Brewing', 'Electric', 'Tutoring', 'Catering', 'Cleaning Services',
] as const;

export const BUSINESS_SUFFIXES = ['LLC', 'Inc', 'Co', 'LLC', 'Corp'] as const;

export const EMPLOYERS = [
  'ACME LOGISTICS', 'CITY OF SPRINGFIELD', 'NORTHWIND HEALTH', 'CONTOSO RETAIL', 'FABRIKAM INC',
  'LAKEVIEW SCHOOLS', 'TAILSPIN AIR', 'WOODGROVE MFG', 'GIG PAYOUTS LLC', 'LITWARE STAFFING',
] as const;

export const MERCHANTS = [
  'KROGER #412', 'TARGET T-1873', 'AMAZON MKTPL', 'SHELL OIL 5744', 'STARBUCKS 10293', 'WALGREENS #9021',
  'HOME DEPOT 3301', 'CHIPOTLE 2214', 'NETFLIX.COM', 'UBER TRIP', 'SPOTIFY USA', 'COSTCO WHSE #358',
  'JEWEL OSCO 3177', 'CVS/PHARMACY 08823', 'LYFT RIDE', 'BEST BUY 00281', 'TRADER JOES #702', 'DOORDASH',
  'APPLE.COM/BILL', 'WHOLEFDS 10458', 'ALDI 77', 'DELTA AIR 0062', 'MARRIOTT CHICAGO', 'COMCAST XFINITY',
] as const;

export const BUSINESS_MERCHANTS = [
  'STAPLES 00912', 'ULINE *SHIP SUPPLY', 'GOOGLE *WORKSPACE', 'ADOBE *CREATIVE', 'GRAINGER 442',
  'SYSCO FOODS', 'FEDEX OFFICE 1123', 'HOME DEPOT PRO', 'AWS EMEA', 'MICROSOFT *365', 'ZOOM.US',
] as const;

export const BILLERS = [
  'COMED ELECTRIC', 'PEOPLES GAS', 'VERIZON WIRELESS', 'STATE FARM INS', 'RENT - OAK PARK APTS',
  'CHASE CARD PMT', 'DISCOVER PMT', 'TRANSFER TO EXT ACCT', 'NAVIENT LOAN', 'GEICO',
] as const;

export const ATM_LOCATIONS = ['7-ELEVEN', 'WALGREENS', 'CHASE ATM', 'CARDTRONICS', 'ALLPOINT', 'BMO ATM'] as const;
