/** Jest's globalTeardown: stops the throwaway PostgreSQL postgres-setup.mjs started, if it did. */
export default async function teardown() {
  const server = globalThis.__embeddedPostgres;
  if (server) await server.stop();
}
