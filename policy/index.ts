/**
 * The CrossGuard pack: `pulumi preview --policy-pack policy` / `pulumi up --policy-pack policy`.
 * Constructing a PolicyPack starts its gRPC server at once, so nothing else imports this file.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICY_PACK_NAME, policies } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
  description:
    "central-logging invariants: explicit providers, secure buckets, least privilege, retention, encryption",
  enforcementLevel: "mandatory",
  policies,
});
