import { z } from 'zod';

export const TlsOptionsSchema = z
  .object({
    mode: z.enum(['disable', 'prefer', 'require', 'verify-ca', 'verify-full']).default('prefer'),
    /** path of a PEM CA bundle on the machine running the engine */
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
  })
  .strict();
export type TlsOptions = z.infer<typeof TlsOptionsSchema>;

export const ConnectionTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded'), database: z.string().min(1).max(63).optional() }).strict(),
  z
    .object({
      kind: z.literal('url'),
      url: z.string().min(1).max(4096),
      tls: TlsOptionsSchema.optional(),
    })
    .strict(),
]);
export type ConnectionTarget = z.infer<typeof ConnectionTargetSchema>;

/** What the renderer may know about a connection: never the password. */
export interface ConnectionInfo {
  id: string;
  kind: 'embedded' | 'url';
  /** `postgres://user@host:port/db` with the password removed */
  label: string;
  host: string;
  port: number;
  database: string;
  user: string;
  serverVersion: string;
  serverVersionNum: number;
  tls: boolean;
}
