/**
 * Local AWS services started in process by tests: kinesalite (Kinesis) and s3rver (S3), on
 * 127.0.0.1 and a free port (their types: tests/doubles/localAwsServers.d.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import kinesalite from "kinesalite";
import S3rver from "s3rver";

export interface LocalService {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Streams become ACTIVE at once. */
export async function startKinesalite(): Promise<LocalService> {
  const server = kinesalite({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

/** Credentials s3rver accepts (it checks signatures). */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/** Path-style only; bucket names of 3-63 characters. */
export async function startS3rver(buckets: readonly string[] = []): Promise<LocalService> {
  const directory = mkdtempSync(join(tmpdir(), "s3rver-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
