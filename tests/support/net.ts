/** Port checks for tests: the same as the LocalStack scripts use (offline/ports.ts). */
export { portIsClosed } from "../../offline/ports";
