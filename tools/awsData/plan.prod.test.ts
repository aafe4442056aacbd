/** Pulumi.prod.yaml checked against AWS's published data. */
import { expect, it } from "vitest";
import { readStackFile } from "../offline/stackFile";
import { checkStack } from "./planTest";

it("Pulumi.prod.yaml has no finding against AWS's data", async () => {
  const { stack, config } = readStackFile("Pulumi.prod.yaml");
  expect((await checkStack(stack, config)).lines).toEqual([]);
});
