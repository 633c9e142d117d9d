/**
 * The options the local cloud adds to `serverless offline start`, beside serverless-offline's
 * own (osls merges a plugin's options into an existing command, and rejects unknown ones).
 */
import { RESET_COMMAND } from "../common/redis/state-folder";

export interface LocalCloudOptions {
  /** `npm start -- --fresh`: the local cloud's Redis starts from zero. */
  fresh?: boolean;
}

export const cliOptions = {
  offline: {
    commands: {
      start: {
        options: {
          fresh: {
            usage: `Start the local cloud's Redis from zero (as ${RESET_COMMAND}) instead of continuing`,
            type: "boolean",
          },
        },
      },
    },
  },
};
