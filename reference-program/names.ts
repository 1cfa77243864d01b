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

export const OCCUPATIONS = [
  'Registered Nurse', 'Software Engineer', 'Teacher', 'Electrician', 'Accountant', 'Warehouse Associate',
  'Sales Manager', 'Graphic Designer', 'Truck Driver', 'Pharmacist', 'Barista', 'Student', 'Retired',
  'Chef', 'Paralegal', 'Dental Hygienist', 'Marketing Coordinator', 'Mechanic', 'Real Estate Agent', 'Consultant',
] as const;

export const STREETS = [
  'N Clark St', 'W Armitage Ave', 'S Halsted St', 'W Division St', 'N Milwaukee Ave', 'E 53rd St', 'W Belmont Ave',
  'N Lincoln Ave', 'S Michigan Ave', 'W Fullerton Pkwy', 'Maple Ave', 'Oak St', 'Elm St', 'Washington Blvd',
  'Lake St', 'Main St', 'Cedar Ln', 'Park Ave', 'Ridge Rd', 'Sheridan Rd',
] as const;

/** City, USPS state code and the first three digits of its ZIP codes. */
export const CITIES: readonly (readonly [string, string, string])[] = [
  ['Chicago', 'IL', '606'], ['Chicago', 'IL', '606'], ['Chicago', 'IL', '606'], ['Evanston', 'IL', '602'],
  ['Oak Park', 'IL', '603'], ['Naperville', 'IL', '605'], ['Milwaukee', 'WI', '532'], ['Madison', 'WI', '537'],
  ['Minneapolis', 'MN', '554'], ['St. Louis', 'MO', '631'], ['Kansas City', 'MO', '641'], ['Indianapolis', 'IN', '462'],
  ['Dallas', 'TX', '752'], ['Austin', 'TX', '787'], ['Houston', 'TX', '770'], ['Denver', 'CO', '802'],
  ['Nashville', 'TN', '372'], ['Atlanta', 'GA', '303'], ['Columbus', 'OH', '432'], ['Detroit', 'MI', '482'],
];

/** Telephone area codes for the example numbers 555-0100 to 555-0199, which are reserved for fiction. */
export const AREA_CODES = ['312', '773', '872', '630', '847', '414', '612', '314', '214', '512', '303', '615', '404', '614'] as const;

export const EMAIL_DOMAINS = ['example.com', 'mail.example.com', 'example.net', 'example.org'] as const;

export const CONTROL_TITLES = ['Chief Executive Officer', 'Managing Member', 'President', 'Owner', 'Chief Financial Officer'] as const;

/** NAICS industry codes of the trades in BUSINESS_TRADES, in the same order. */
export const TRADE_NAICS = [
  '311811', '238220', '621210', '561730', '311920', '811111', '541430',
  '484110', '459310', '713940', '312120', '238210', '611691', '722320', '561720',
] as const;

/** How each of BUSINESS_SUFFIXES is organised. */
export const SUFFIX_BUSINESS_TYPES = { LLC: 'llc', Inc: 'corporation', Co: 'partnership', Corp: 'corporation' } as const;

export const FOREIGN_MERCHANTS = [
  'BOOKING.COM AMSTERDAM', 'UBER *TRIP LONDON', 'FNAC PARIS', 'OXXO CANCUN', 'AIRBNB * DUBLIN', 'SHOPIFY* TORONTO',
] as const;

export const DECLINE_REASONS = [
  'Credit score below the program minimum',
  'Debt-to-income ratio above the program maximum',
  'Insufficient length of credit history',
  'Recent delinquency on the credit report',
  'Too many recent credit inquiries',
] as const;

export const WITHDRAWAL_REASONS = [
  'Applicant withdrew the application',
  'Applicant did not complete identity verification in time',
] as const;
