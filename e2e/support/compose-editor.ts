import type { Page } from '@playwright/test';

/** Replaces the whole text of the compose editor, as a user selecting all and typing would. */
export async function writeCompose(page: Page, text: string): Promise<void> {
  const content = page.getByTestId('compose-editor').locator('.cm-content');
  await content.click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}
