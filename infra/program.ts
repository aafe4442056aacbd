/**
 * The program: settings -> routing plan -> providers -> components -> stack outputs.
 * Settings are validated first, so a bad config stops before anything is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { Recipient } from "./components/recipient";
import { SourceAccount } from "./components/sourceAccount";
import { loadSettings } from "./config";
import { ProviderRegistry } from "./providers";
import { planRouting } from "./routing";

export async function program(): Promise<Record<string, unknown>> {
  const settings = loadSettings();
  const plan = planRouting(settings);
  const registry = new ProviderRegistry({
    stack: settings.stack,
    accounts: [
      { accountId: settings.recipient.accountId, roleArn: settings.recipient.roleArn },
      ...settings.sources.filter((s) => s.accountId !== settings.recipient.accountId),
    ].map(({ accountId, roleArn }) => ({ accountId, ...(roleArn ? { roleArn } : {}) })),
  });

  const r = plan.recipient;
  const recipient = new Recipient("recipient", {
    plan: r,
    destinations: plan.destinations,
    trails: plan.trails,
    settings: settings.recipient,
    ...(plan.athena ? { athena: plan.athena } : {}),
    namePrefix: settings.namePrefix,
    ...(settings.recipient.search ? { randomProvider: registry.random() } : {}),
    providers: registry.forAccount(r.accountId, [
      r.homeRegion,
      r.bucketRegion,
      ...plan.destinations.map((d) => d.region),
    ]),
  });
  const events = recipient.eventsArchive
    ? { busArn: recipient.eventsArchive.busArn, firehoseArn: recipient.eventsArchive.firehoseArn }
    : undefined;

  const destinations = Object.fromEntries(
    Object.entries(recipient.destinations).map(([region, d]) => [region, { arn: d.arn, policy: d.policy }]),
  );
  for (const source of plan.sources) {
    // Named by account id: adding or reordering sources renames nothing.
    new SourceAccount(`source-${source.accountId}`, {
      plan: source,
      destinations,
      // Its log regions and the regions of its event rules.
      providers: registry.forAccount(source.accountId, [
        ...source.regions,
        ...source.eventSenders.map((e) => e.region),
      ]),
      archive: {
        bucketName: recipient.archive.bucketName,
        policy: recipient.archive.policy,
        ...(recipient.trailKey ? { trailKeyArn: recipient.trailKey.arn } : {}),
      },
      namePrefix: settings.namePrefix,
      ...(events ? { events } : {}),
    });
  }

  return {
    recipientAccountId: r.accountId,
    bucketName: recipient.archive.bucketName,
    transport: r.transport,
    targetArn: r.targetArn,
    firehoseArn: recipient.delivery.firehose.arn,
    destinationArns: pulumi.output(
      Object.fromEntries(Object.entries(recipient.destinations).map(([region, d]) => [region, d.arn])),
    ),
    routes: plan.sources.flatMap((s) => s.routes.map((route) => `${route.key} -> ${route.destinationArn}`)),
    ...(recipient.eventsArchive
      ? {
          eventBusArn: recipient.eventsArchive.busArn,
          eventsFirehoseArn: recipient.eventsArchive.firehoseArn,
        }
      : {}),
    ...(recipient.athena
      ? { athenaDatabase: recipient.athena.database.name, athenaWorkgroup: recipient.athena.workgroup.name }
      : {}),
    ...(recipient.search
      ? {
          searchEndpoint: recipient.search.endpoint,
          dashboardsUrl: recipient.search.dashboardsUrl,
          searchAdminSecretArn: recipient.search.adminSecretArn,
          // A secret output: `pulumi stack output searchAdminPassword --show-secrets`.
          searchAdminPassword: recipient.search.adminPassword,
        }
      : {}),
  };
}
