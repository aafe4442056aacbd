/**
 * The alarms table of docs/operations.md, written from ALARM_KINDS (the same text the alarms'
 * descriptions carry), between `<!-- alarms:start -->` and `<!-- alarms:end -->`.
 */
import { ALARM_KINDS } from "../../infra/operations/alarmKinds";

export const OPERATIONS_PATH = "docs/operations.md";
const START = "<!-- alarms:start -->";
const END = "<!-- alarms:end -->";

/** Markdown cells hold no `|` and no line break. */
const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

export function alarmTable(): string {
  const rows = Object.entries(ALARM_KINDS).map(
    ([kind, k]) => `| \`${kind}\` | ${cell(k.watches)} | ${cell(k.meaning)} | ${cell(k.action)} |`,
  );
  return ["| Kind | Watches | What it means | What to do |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

/** `page` with its alarms block replaced by the current table. */
export function withAlarmTable(page: string): string {
  const start = page.indexOf(START);
  const end = page.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${OPERATIONS_PATH} has no ${START} ... ${END} block`);
  return `${page.slice(0, start + START.length)}\n${alarmTable()}\n${page.slice(end)}`;
}
