// First start on an empty data folder: the admin and office keys, the sample register, search.
import { expect } from "vitest";
import { OPERATOR, e2e } from "./harness";

e2e("first start: office keys, sample register of 300, search narrows it", async (app) => {
  await app.waitFor("first-start");
  expect(await app.text("first-start-data-dir")).toBe(app.data);
  // The window's title is in the app's language (Japanese until the user picks English).
  expect(await app.browser.getTitle()).toBe(`ハンドオーバー — ${app.data}`);
  // The office's first operator, its admin (name and password twice), then the keys.
  await app.createAdmin();
  const signing = await app.text("office-signing-value");
  expect(signing).toMatch(/^ed25519:[0-9a-f]{64}$/);
  expect(await app.text("office-recipient-value")).toMatch(/^age1[0-9a-z]{58}$/);
  expect(await app.byId("qr").isDisplayed()).toBe(true);
  await app.click("next");
  await app.click("first-start-sample");

  // The register, with every sample customer.
  await app.waitFor("customer-table", 30_000);
  expect(await app.waitForText("count", (s) => s.startsWith("300"))).toBe("300 件");
  expect((await app.browser.$$('[data-testid="customer-row"]')).length).toBeGreaterThan(5);

  // Search narrows it, and clearing it brings everyone back.
  await app.type("search", "C0001");
  await app.waitForText("count", (s) => s === "1 件");
  expect(await app.text("customer-row")).toMatch(/^C0001\s/);
  await app.type("search", "存在しない顧客");
  await app.waitForText("count", (s) => s === "0 件");
  await app.type("search", "");
  await app.waitForText("count", (s) => s.startsWith("300"));

  // The admin is signed in; the office now opens straight into the register (no first start
  // again) while they are.
  expect(await app.text("session-user")).toBe(OPERATOR);
  await app.browser.refresh();
  await app.waitFor("customer-table", 15_000);
});
