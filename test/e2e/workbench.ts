/** Ways of using the VS Code workbench in a browser, as a person would, for the e2e tests. */
import type { Browser, Locator, Page } from 'playwright-core';
import type { CodeServer } from '../harness/codeServer';

export async function openVsCode(browser: Browser, server: CodeServer): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  // The first load fetches the whole workbench: on a loaded CI machine that has taken over 30 s.
  await page.goto(`${server.url}/?folder=${encodeURIComponent(server.workspace)}`, { timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return page;
}

export async function openStrata(page: Page): Promise<void> {
  const strata = page.locator('.activitybar .action-item a[aria-label^="Strata"]');
  await strata.waitFor({ timeout: 60_000 });
  await strata.click();
  await page.locator('.pane-header', { hasText: 'Images' }).waitFor({ timeout: 30_000 });
}

/**
 * A tree's rows, not the copies of them that sticky scroll draws at the top of the view
 * (the parent of the rows in sight, once the list is scrolled).
 */
const LIST_ROW = '.monaco-list-row:not(.monaco-tree-sticky-row)';

/** The rows of one view ("Images", "Containers") that hold `text`. */
export function viewRow(page: Page, view: string, text: string) {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: view }) });
  return pane.locator(LIST_ROW, { hasText: text });
}

export function row(page: Page, text: string) {
  return viewRow(page, 'Images', text);
}

/**
 * The rows of the Images view whose name holds `text`, not their description: another
 * image's row says "built on strata-test/x:TAG" when it shares that image's layers.
 */
export function namedRow(page: Page, text: string) {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Images' }) });
  return pane.locator(LIST_ROW).filter({ has: page.locator('.label-name', { hasText: text }) });
}

/**
 * Clicks an item of the open context menu. The workbench ignores a mouse-up that comes
 * right after the menu opened (so a right-click cannot pick an item), hence the hover first.
 */
export async function clickMenuItem(page: Page, label: string): Promise<void> {
  const item = page.locator('.context-view .monaco-menu').getByRole('menuitem', { name: label, exact: true });
  await item.waitFor({ timeout: 10_000 });
  await item.hover();
  await page.waitForTimeout(200);
  await item.click();
}

/** Drags the side bar's edge so that descriptions (size, age, built on) are not cut off. */
export async function widenSideBar(page: Page, width = 640): Promise<void> {
  const box = await page.locator('.part.sidebar').boundingBox();
  if (!box) {
    throw new Error('no side bar');
  }
  const edge = box.x + box.width;
  await page.mouse.move(edge - 1, box.y + 200);
  await page.mouse.down();
  await page.mouse.move(box.x + width, box.y + 200, { steps: 5 });
  await page.mouse.up();
}


/**
 * Waits for a row of a view, moving down the view's list with the keyboard as a person would:
 * the list draws only the rows in sight, and the engine's other images (the user's own) can put
 * a row below them. A row already drawn is returned at once, with nothing pressed.
 */
export async function scrolledTo(page: Page, view: string, target: Locator, timeout = 30_000): Promise<Locator> {
  const list = page.locator('.pane', { has: page.locator('.pane-header', { hasText: view }) }).locator('.monaco-list').first();
  const deadline = Date.now() + timeout;
  for (let moves = 0; Date.now() < deadline; moves++) {
    if ((await target.count()) > 0) {
      return target;
    }
    // From the top, one row at a time (the focused row is kept in sight); again from the top
    // after a while, for rows that come in late (a listing still loading).
    if (moves % 150 === 0) {
      await list.focus();
      await page.keyboard.press('Home');
    }
    await page.keyboard.press('ArrowDown');
    await page.waitForTimeout(40);
  }
  await target.waitFor({ timeout: 1 });
  return target;
}

/** Right-clicks an image in the Images view (by text in its name) and picks a menu item. */
export async function imageMenu(page: Page, rowText: string, item: string): Promise<void> {
  const imageRow = await scrolledTo(page, 'Images', namedRow(page, rowText));
  await imageRow.click({ button: 'right' });
  await clickMenuItem(page, item);
}

/** Runs a command from the command palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** The themes' ids (settings) and their names in the theme picker. */
export const LIGHT = 'Default Light Modern';
export const DARK = 'Default Dark Modern';
const PICKER_NAME: Record<string, string> = { [LIGHT]: 'Light Modern', [DARK]: 'Dark Modern' };

/** Switches the colour theme as a user does (Preferences: Color Theme), and waits for the workbench to take it. */
export async function useTheme(page: Page, theme: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.fill('>Preferences: Color Theme');
  // The palette's first match may be another command (Browse Color Themes in Marketplace).
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: /^Preferences: Color Theme/ }).first().click();
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: PICKER_NAME[theme] }).first().waitFor();
  await input.fill(PICKER_NAME[theme]);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: PICKER_NAME[theme] }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(theme === DARK ? '.monaco-workbench.vs-dark' : '.monaco-workbench.vs:not(.vs-dark)').waitFor({ timeout: 30_000 });
}
