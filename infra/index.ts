// Pulumi entry point: Pulumi calls the exported function and uses its result as stack outputs.
import { program } from "./program";

export = program;
