/**
 * In-memory Firehose behind aws-sdk-client-mock: PutRecordBatch keeps each delivery stream's
 * records; `fail` can refuse records (per record, as Firehose's FailedPutCount does).
 */
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { mockClient } from "aws-sdk-client-mock";

export class FakeFirehose {
  readonly mock = mockClient(FirehoseClient);
  readonly records = new Map<string, Buffer[]>();
  requests = 0;
  /** An error code refuses the record in this request; undefined accepts it. */
  fail: (data: Buffer, stream: string) => string | undefined = () => undefined;

  constructor() {
    this.mock.on(PutRecordBatchCommand).callsFake((input) => {
      this.requests++;
      const stream = input.DeliveryStreamName as string;
      const kept = this.records.get(stream) ?? [];
      this.records.set(stream, kept);
      let failed = 0;
      const RequestResponses = (input.Records as { Data: Uint8Array }[]).map((r, i) => {
        const data = Buffer.from(r.Data);
        const code = this.fail(data, stream);
        if (code !== undefined) {
          failed++;
          return { ErrorCode: code, ErrorMessage: "injected" };
        }
        kept.push(data);
        return { RecordId: `r-${this.requests}-${i}` };
      });
      return { FailedPutCount: failed, Encrypted: false, RequestResponses };
    });
  }

  of(stream: string): Buffer[] {
    return this.records.get(stream) ?? [];
  }

  restore(): void {
    this.mock.restore();
  }
}
