// Pulumi entry point: Pulumi calls the exported function and uses its result as stack outputs.
import { program } from "./program";

export = async (): Promise<Record<string, unknown>> => (await program()).outputs;
