/** The parts of the serverless instance (osls 3, which has no type definitions) the local cloud touches. */
import type { ServerlessErrorClass } from "../../common/errors";
import type { RunnableFunction, RunnableService } from "./function-specs";
import type { FunctionDefinition } from "./service-definition";

export interface Serverless {
  serviceDir: string;
  classes: { Error: ServerlessErrorClass };
  service: {
    service: string;
    provider: RunnableService["provider"] & { stage: string };
    custom?: Record<string, unknown>;
    functions: Record<string, FunctionDefinition & RunnableFunction>;
    resources?: {
      Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    };
  };
}
