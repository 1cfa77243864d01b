import pg from 'pg';

/** The admin connection the PostgreSQL tests create their databases beside (LEAD_ETL_TEST_DATABASE_URL). */
export const adminUrl = process.env.LEAD_ETL_TEST_DATABASE_URL;

export function databaseUrl(admin: string, name: string): string {
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withAdmin<T>(admin: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

