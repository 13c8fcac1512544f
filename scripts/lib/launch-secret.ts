import { randomBytes } from 'node:crypto';

// The JWT secret that every process a launcher (npm start, npm run cluster) starts must share, so
// that a token from one is valid on all: the one given; outside production, one generated for the
// run (tokens end with it); in production it must be given (loadConfig refuses to start without).

/** Whether a launcher generates the secret for this run. */
export const generatesSecret = (env: NodeJS.ProcessEnv): boolean => !env.JWT_SECRET && env.NODE_ENV !== 'production';

/** The secret every process of the run gets; undefined in production when none is given. */
export function launchSecret(env: NodeJS.ProcessEnv): string | undefined {
  if (env.JWT_SECRET) return env.JWT_SECRET;
  return generatesSecret(env) ? randomBytes(48).toString('base64url') : undefined;
}

export const GENERATED_SECRET_WARNING = 'JWT_SECRET is not set: generated one for this run; tokens end with it';
