/**
 * What every e2e file does around its tests, written once: before them, its images (or
 * whatever it needs) are made, the packaged .vsix is installed into a fresh extensions
 * folder, Chromium is launched, code-server is started and VS Code opened with the Strata
 * view; after them, all of it is closed and the file's fixture images are removed. What a
 * file does differently is an option.
 */
import * as fs from 'fs';
import * as path from 'path';
import Docker from 'dockerode';
import type { Browser, Page } from 'playwright-core';
import { type CodeServer, type CodeServerOptions, REPO_ROOT, installStrata, launchBrowser, startCodeServer } from '../harness/codeServer';
import { removeFixtureImages } from '../harness/fixtures/fixtureImages';
import { openStrata, openVsCode, widenSideBar } from './workbench';

/** Where the tests' screenshots go (not committed). */
export const ARTIFACTS = path.join(REPO_ROOT, 'artifacts');

export type ServerOptions = Omit<CodeServerOptions, 'extensionsDir'>;

export interface PageOptions {
  /** Open the Strata view (the default), or leave the workbench as it starts. */
  strata?: boolean;
  /** Drag the side bar this wide, so that descriptions are not cut off. */
  sideBarWidth?: number;
  /** Each alert() or confirm() message the page shows is added here, and the dialog dismissed. */
  dialogs?: string[];
}

export interface VsCodeOptions {
  /** Names the extensions folder the .vsix is installed in. */
  label: string;
  /** Runs first: what the tests need before VS Code starts (images built, a workspace written). */
  setUp?: () => Promise<void>;
  /** Runs once VS Code is closed, before the images are removed: what else the tests made or started. */
  tearDown?: () => Promise<void>;
  /** Whose fixture images are removed at the end (the host's engine by default). */
  engines?: Docker[];
  /** The code-server the tests share (a function when setUp makes its workspace); false: each test starts its own. */
  server?: false | ServerOptions | (() => ServerOptions);
  /** The page opened on it before the tests; false: each test opens its own. */
  page?: false | PageOptions;
}

/** The handles the tests use; each is there once the before hook has run. */
export interface VsCodeUnderTest {
  readonly browser: Browser;
  readonly server: CodeServer;
  readonly page: Page;
  /** Another code-server (another environment, a fresh start), stopped with the rest. */
  startServer(options?: ServerOptions): Promise<CodeServer>;
  /** A new page with VS Code on `server` (the shared one by default). */
  openPage(options?: PageOptions & { server?: CodeServer }): Promise<Page>;
}

/** Registers the before and after hooks in the calling describe, and returns the handles they fill. */
export function setUpVsCode(options: VsCodeOptions): VsCodeUnderTest {
  let extensionsDir = '';
  let browser: Browser | undefined;
  let shared: CodeServer | undefined;
  let firstPage: Page | undefined;
  const servers: CodeServer[] = [];
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) {
      throw new Error(`no ${what}: the e2e before hook has not run, or was told not to make one`);
    }
    return value;
  };

  const vsCode: VsCodeUnderTest = {
    get browser() {
      return ready(browser, 'browser');
    },
    get server() {
      return ready(shared, 'shared code-server');
    },
    get page() {
      return ready(firstPage, 'page');
    },
    async startServer(serverOptions = {}) {
      const server = await startCodeServer({ ...serverOptions, extensionsDir });
      servers.push(server);
      return server;
    },
    async openPage({ server = vsCode.server, strata = true, sideBarWidth, dialogs } = {}) {
      const page = await openVsCode(vsCode.browser, server);
      page.on('dialog', (d) => {
        dialogs?.push(d.message());
        void d.dismiss();
      });
      if (strata) {
        await openStrata(page);
      }
      if (sideBarWidth !== undefined) {
        await widenSideBar(page, sideBarWidth);
      }
      return page;
    },
  };

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await options.setUp?.();
    extensionsDir = installStrata(options.label);
    browser = await launchBrowser();
    if (options.server !== false) {
      shared = await vsCode.startServer(typeof options.server === 'function' ? options.server() : options.server);
      if (options.page !== false) {
        firstPage = await vsCode.openPage(options.page);
      }
    }
  });

  after(async () => {
    await browser?.close();
    for (const server of servers) {
      await server.stop();
    }
    await options.tearDown?.();
    for (const docker of options.engines ?? [new Docker()]) {
      await removeFixtureImages(docker);
    }
  });

  return vsCode;
}
