/**
 * Which system a command runs on, told apart as far as the install commands differ: Debian,
 * Ubuntu (and their derivatives), Fedora (and RHEL-likes), macOS, another Linux, Windows. Read
 * from process.platform and /etc/os-release. Pure, given those two: unit-tested beside it.
 * Used by `npm run doctor` and by the browser lookup's "none found" message.
 */

export type PlatformFamily = "debian" | "ubuntu" | "fedora" | "macos" | "linux" | "windows";

export interface Platform {
  family: PlatformFamily;
  /** For people: PRETTY_NAME of os-release, or "macOS", "Windows", "Linux". */
  name: string;
}

/** The KEY=value lines of an os-release file, quotes removed. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match?.[1]) continue;
    fields[match[1]] = (match[2] ?? "").replace(/^(["'])(.*)\1$/, "$2");
  }
  return fields;
}

export function detectPlatform(
  platform: NodeJS.Platform,
  /** /etc/os-release's text, undefined when there is none. */
  osRelease: string | undefined,
): Platform {
  if (platform === "darwin") return { family: "macos", name: "macOS" };
  if (platform === "win32") return { family: "windows", name: "Windows" };
  const fields = parseOsRelease(osRelease ?? "");
  const name = fields.PRETTY_NAME || fields.NAME || "Linux";
  // ID first (Ubuntu says ID_LIKE=debian), then ID_LIKE for derivatives (Mint: ubuntu debian).
  const ids = [fields.ID ?? "", ...(fields.ID_LIKE ?? "").split(/\s+/)];
  for (const id of ids) {
    if (id === "ubuntu") return { family: "ubuntu", name };
    if (id === "debian") return { family: "debian", name };
    if (id === "fedora" || id === "rhel" || id === "centos") return { family: "fedora", name };
  }
  return { family: "linux", name };
}

/** What the README's commands need installed; each has an install command per system. */
export type Prerequisite = "node" | "redis" | "browser" | "python" | "docker";

const WSL = "use WSL (Ubuntu): run the project and this command inside it";

const INSTALL_COMMANDS: Record<Prerequisite, Record<PlatformFamily, string>> = {
  node: {
    // Debian's and Ubuntu's own nodejs packages are older than 20.
    debian: "`nvm install 24` (https://github.com/nvm-sh/nvm) or https://nodejs.org",
    ubuntu: "`nvm install 24` (https://github.com/nvm-sh/nvm) or https://nodejs.org",
    fedora: "`nvm install 24` (https://github.com/nvm-sh/nvm) or https://nodejs.org",
    macos: "`brew install node@24`",
    linux: "`nvm install 24` (https://github.com/nvm-sh/nvm) or https://nodejs.org",
    windows: WSL,
  },
  redis: {
    debian: "`sudo apt-get install redis-server`",
    ubuntu: "`sudo apt-get install redis-server`",
    fedora: "`sudo dnf install redis`",
    macos: "`brew install redis`",
    linux: "redis-server from your package manager",
    windows: WSL,
  },
  browser: {
    debian: "`sudo apt-get install chromium`",
    // Ubuntu's apt package `chromium-browser` only installs the snap.
    ubuntu: "`sudo snap install chromium`",
    fedora: "`sudo dnf install chromium`",
    macos: "`brew install --cask google-chrome`",
    linux: "Chromium or Google Chrome from your package manager",
    windows: WSL,
  },
  python: {
    debian: "`sudo apt-get install python3 python3-venv`",
    ubuntu: "`sudo apt-get install python3 python3-venv`",
    fedora: "`sudo dnf install python3`",
    macos: "`brew install python@3.13`",
    linux: "Python 3.11+ with its venv module from your package manager, or pyenv",
    windows: WSL,
  },
  docker: {
    debian: "`sudo apt-get install docker.io`, then start it (`sudo systemctl start docker`)",
    ubuntu: "`sudo apt-get install docker.io`, then start it (`sudo systemctl start docker`)",
    fedora: "`sudo dnf install moby-engine`, then start it (`sudo systemctl start docker`)",
    macos: "Docker Desktop (`brew install --cask docker`), then open it",
    linux: "a Docker engine from your package manager, then start it",
    windows: "Docker Desktop with its WSL integration",
  },
};

/** How to install `what` on `platform`, as a phrase ("`brew install redis`"). */
export function installCommand(what: Prerequisite, platform: Platform): string {
  return INSTALL_COMMANDS[what][platform.family];
}
