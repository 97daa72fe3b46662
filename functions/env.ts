/** Reads configuration from the environment, failing fast with the variable's name. */
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is required but not set`);
  return value;
}
