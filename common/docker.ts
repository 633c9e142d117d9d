/**
 * Is there a Docker engine? Asked by the LocalStack scripts (Docker mode or host mode) and by
 * the doctor; neither starts anything.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const DOCKER_TIMEOUT_MS = 5_000;

export class DockerUnavailableError extends Error {
  override readonly name = "DockerUnavailableError";
  constructor(
    message: string,
    /** Why, in a few words ("the docker CLI is not on PATH"). */
    readonly reason: string,
  ) {
    super(message);
  }
}

/** Resolves when a Docker engine answers; otherwise says why not and what to do. */
export async function requireDocker(docker = "docker"): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(
      docker,
      ["version", "--format", "{{.Server.Version}}"],
      { timeout: DOCKER_TIMEOUT_MS },
    );
    return stdout.trim();
  } catch (err) {
    const reason = dockerFailure(err);
    throw new DockerUnavailableError(
      `Docker is not available (${reason}). LocalStack in Docker starts each Lambda ` +
        "in a container, so that mode needs a Docker engine; without one, `npm run localstack:up` " +
        "runs LocalStack natively (host mode; LOCALSTACK_MODE=docker forbids that). " +
        "See localstack/README.md.",
      reason,
    );
  }
}

function dockerFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { stderr?: string; killed?: boolean };
  if (e.code === "ENOENT") return "the docker CLI is not on PATH";
  if (e.killed) return `docker did not answer in ${DOCKER_TIMEOUT_MS / 1000} s`;
  // e.g. "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the …"
  return e.stderr?.trim().split("\n")[0] || e.message;
}
