/**
 * Navigation like a user (issue 11 item 8): a `follow` or `submit` step becomes the request a
 * browser would send from the page it has open, so a spec can grade an app whose route and field
 * names the student chose. Pure: the current page in, a request (or why there is none) out; the
 * request itself is sent by runCheck like any other.
 *
 * The page is student text: it is parsed with html.ts (linear, bounded), what is sent back to the
 * app keeps the app's own values (a hidden token must reach it unchanged), and whatever a message
 * quotes from the page is made plain and cut short.
 */
import { compile, selectAll } from "css-select";
import type { AnyNode, Element } from "domhandler";
import type { Navigation, PlannedRequest } from "../plan/plan.js";
import type { FieldFill, TextPattern } from "../spec/types.js";
import { fillTemplate } from "../spec/template.js";
import { elementText, fieldValue, select } from "../verdict/html.js";
import { plainText } from "../verdict/studentText.js";
import { loosen } from "./pageText.js";

/** What a browser has open: its last response. */
export interface Page {
  /** Path and query of the page, after any redirect followed (the base of relative links). */
  path: string;
  /** The raw body (already size-bounded by the browser). */
  body: string;
  contentType?: string;
}

/** The request a step stands for, and how it came about in words ("follow the link "Log out""). */
export type Resolved = { request: PlannedRequest; via: string } | { problem: string; hint?: string };

type Follow = Extract<Navigation, { kind: "follow" }>;
type Submit = Extract<Navigation, { kind: "submit" }>;

/** Items a message lists from the page, and characters quoted of each. */
const LISTED = 8;
const QUOTED = 40;

const BASE = "http://student.localhost";

export function resolveNavigation(page: Page | undefined, a: Navigation, captures: ReadonlyMap<string, unknown>): Resolved {
  if (!page) return { problem: "this browser has no page open yet" };
  if (!isHtml(page)) {
    return { problem: `the page ${quote(page.path)} is not an HTML page (${quote(page.contentType ?? "no content type")}), so it has no ${a.kind === "follow" ? "links" : "forms"} to use` };
  }
  return a.kind === "follow" ? followLink(page, a) : submitForm(page, a, captures);
}

function isHtml(page: Page): boolean {
  const type = page.contentType?.split(";")[0]?.trim().toLowerCase();
  return type === undefined || type === "" || type === "text/html" || type === "application/xhtml+xml";
}

// ---------------------------------------------------------------- links

// Compiled once: a hostile page may hold thousands of links, each looked into.
const LINKS = compile<AnyNode, Element>("a[href], area[href]");
const IMAGES = compile<AnyNode, Element>("img[alt]");

function followLink(page: Page, a: Follow): Resolved {
  const links = select(page.body, "a[href], area[href]");
  let link: Element | undefined;
  if (a.selector !== undefined) {
    const found = select(page.body, a.selector)[0];
    if (!found) return { problem: `the page ${quote(page.path)} has nothing matching the selector ${quote(a.selector)}. ${linksListed(links)}`, hint: LINK_HINT };
    if (found.attribs.href === undefined) {
      const inside = selectAll<AnyNode, Element>(LINKS, found)[0];
      if (!inside) return { problem: `the selector ${quote(a.selector)} finds ${quote(openingTag(found))}, which is not a link (it has no href). ${linksListed(links)}`, hint: LINK_HINT };
      link = inside;
    } else link = found;
  } else {
    const wanted = loosen(a.link!);
    const named = links.map((l) => ({ l, name: loosen(linkName(l)) }));
    // Text made only of punctuation loosens to nothing: then only an exact match counts.
    link = (named.find((n) => n.name === wanted) ?? (wanted === "" ? undefined : named.find((n) => n.name.includes(wanted))))?.l;
    if (!link) return { problem: `the page ${quote(page.path)} has no link whose text is ${quote(a.link!)}. ${linksListed(links)}`, hint: LINK_HINT };
  }
  const href = link.attribs.href!.trim();
  const target = sameSite(href, page.path);
  // The link's own words: "Log out everywhere" when the spec asked for a link containing "everywhere".
  const name = linkName(link) || a.link || href;
  if (!target) return { problem: `the link ${quote(name)} points to ${quote(href)}, which is not a page of the app the grader can open`, hint: LINK_HINT };
  return {
    request: { method: "GET", path: target, followRedirects: a.followRedirects },
    via: a.link !== undefined ? `follow the link ${quote(name)}` : `follow the link at ${quote(a.selector!)} (${quote(name)})`,
  };
}

const LINK_HINT = 'A link is an <a href="/some/page">text</a> element on the page; the grader clicks it by the text between the tags.';

/** What a user reads as the link's name: its text, else its label or title, else an image's alt text. */
function linkName(link: Element): string {
  const text = elementText(link);
  if (text) return text;
  const alt = selectAll<AnyNode, Element>(IMAGES, link)[0]?.attribs.alt;
  return link.attribs["aria-label"] ?? link.attribs.title ?? alt ?? "";
}

function linksListed(links: Element[]): string {
  if (links.length === 0) return "It has no links.";
  const shown = links.slice(0, LISTED).map((l) => `${quote(linkName(l) || "(no text)")} → ${quote(l.attribs.href!)}`);
  return `Its links: ${shown.join(", ")}${more(links.length)}.`;
}

/** Path and query of `href` read from `pagePath`, or undefined when it leaves the app or is no page (`javascript:`, `mailto:`). */
function sameSite(href: string, pagePath: string): string | undefined {
  let url: URL;
  try {
    url = new URL(href, BASE + pagePath);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.origin !== BASE && !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) return undefined;
  return url.pathname + url.search;
}

// ---------------------------------------------------------------- forms

const FORM_HINT = "The grader fills in the form on the page as a user would, finding each field by its label, type or placeholder: give every field a <label> and a name, inside the <form>.";

function submitForm(page: Page, a: Submit, captures: ReadonlyMap<string, unknown>): Resolved {
  const forms = select(page.body, "form");
  const labels = labelsById(page.body);
  let candidates: Element[];
  if (typeof a.form === "string") {
    // The selector may name the form or something around it.
    const found = select(page.body, a.form)[0];
    const form = found?.name === "form" ? found : found && selectAll<AnyNode, Element>("form", found)[0];
    candidates = form ? [form] : [];
  } else if (typeof a.form === "number") candidates = forms.slice(a.form - 1, a.form);
  else candidates = forms;
  if (candidates.length === 0) {
    const which = a.form === undefined ? "no form" : typeof a.form === "number" ? `no form number ${a.form}` : `no form matching ${quote(a.form)}`;
    return { problem: `the page ${quote(page.path)} has ${which}. ${formsListed(forms, labels)}`, hint: FORM_HINT };
  }
  // Without a form named, the first one where every field is found (a search box in the menu is skipped).
  let firstProblem: (() => string) | undefined;
  for (const form of candidates) {
    const filled = fill(form, a, labels, captures);
    if (!("problem" in filled)) return formRequest(form, filled, page, a);
    firstProblem ??= filled.problem;
  }
  const problem = firstProblem!();
  const where = candidates.length > 1 ? `no form on the page ${quote(page.path)} has every field asked for; in the first: ` : "";
  return { problem: where + problem, hint: FORM_HINT };
}

interface Field {
  element: Element;
  name?: string;
  /** `text`, `password`, `select`, `textarea`, ... */
  type: string;
  label: string;
  /** What a browser would send for it unchanged; undefined: nothing (an unchecked box, no name). */
  value?: string;
}

/** Input types a browser sends only when pressed (buttons) or never as text (files). */
const NOT_SENT = new Set(["submit", "button", "reset", "image", "file"]);

/** Input types a user does not type into: kept as the page set them, not counted in positions. */
const NOT_TYPED = new Set(["hidden", "submit", "button", "reset", "image", "file"]);

// Compiled once: a hostile page may hold thousands of forms, each searched.
const FIELDS = compile<AnyNode, Element>("input, select, textarea");
const BUTTONS = compile<AnyNode, Element>("input, button");
const OPTIONS = compile<AnyNode, Element>("option");


function fieldsOf(form: Element, labels: Map<string, string>): Field[] {
  return selectAll<AnyNode, Element>(FIELDS, form)
    .filter((e) => !("disabled" in e.attribs))
    .map((element) => {
      const type = element.name === "input" ? (element.attribs.type ?? "text").toLowerCase() : element.name;
      const id = element.attribs.id;
      const label = element.attribs["aria-label"] ?? (id !== undefined ? labels.get(id) : undefined) ?? wrappingLabel(element, form) ?? "";
      return { element, name: element.attribs.name, type, label, value: element.attribs.name !== undefined ? fieldValue(element) : undefined };
    });
}

/** `<label for=id>` texts of the whole page (a label may stand outside the form). */
function labelsById(body: string): Map<string, string> {
  const labels = new Map<string, string>();
  for (const label of select(body, "label[for]")) if (!labels.has(label.attribs.for!)) labels.set(label.attribs.for!, elementText(label));
  return labels;
}

/** The text of a `<label>` around the field, without the field's own text. */
function wrappingLabel(element: Element, form: Element): string | undefined {
  for (let node = element.parent; node && node !== form; node = node.parent) {
    if (node.type === "tag" && (node as Element).name === "label") return elementText(node as Element);
  }
  return undefined;
}

/** A problem is worded only for the form it is told about: a page may hold thousands of forms. */
type Filled = { fields: Field[]; values: Map<Field, string | undefined> } | { problem: () => string };

function fill(form: Element, a: Submit, labels: Map<string, string>, captures: ReadonlyMap<string, unknown>): Filled {
  const fields = fieldsOf(form, labels);
  const typed = fields.filter((f) => !NOT_TYPED.has(f.type));
  /** What the spec put in; undefined: a box or button it unticked. */
  const values = new Map<Field, string | undefined>();
  for (const wanted of a.fields) {
    const free = typed.filter((f) => !values.has(f));
    const field = locate(wanted, typed, free, fields);
    if (!field) return { problem: () => `the form has no field ${locatorWords(wanted)}. ${fieldsListed(typed)}` };
    if (field.name === undefined) {
      return { problem: () => `the field ${locatorWords(wanted)} has no name, so a browser would not send what is typed into it; give it name="..."` };
    }
    const value = valueOf(wanted.value, captures);
    if ("problem" in value) return { problem: () => value.problem };
    const problem = choose(field, value.text, fields, values);
    if (problem) return { problem: () => `the field ${locatorWords(wanted)}: ${problem()}` };
  }
  return { fields, values };
}

const OFF = new Set(["", "false", "off", "no", "unchecked"]);
const ON = new Set(["true", "on", "yes", "checked"]);

/**
 * Puts `text` into `field` as a user would: typed into a text field; a list's option chosen by its
 * value or its visible text; a checkbox ticked unless the text says off; a radio button of the
 * group chosen by its value or label ("on" chooses the one found). Returns a problem otherwise.
 */
function choose(field: Field, text: string, fields: Field[], values: Map<Field, string | undefined>): (() => string) | undefined {
  if (field.type === "select") {
    const options = selectAll<AnyNode, Element>(OPTIONS, field.element);
    const optionValue = (o: Element) => o.attribs.value ?? elementText(o);
    const option = options.find((o) => optionValue(o) === text) ?? options.find((o) => loosen(elementText(o)) === loosen(text));
    if (!option) return () => `it has no option ${quote(text)}. Its options: ${options.slice(0, LISTED).map((o) => quote(elementText(o))).join(", ") || "none"}${more(options.length)}.`;
    values.set(field, optionValue(option));
    return undefined;
  }
  if (field.type === "checkbox") {
    values.set(field, OFF.has(text.trim().toLowerCase()) ? undefined : (field.element.attribs.value ?? "on"));
    return undefined;
  }
  if (field.type === "radio") {
    const group = fields.filter((f) => f.type === "radio" && f.name === field.name);
    const chosen = ON.has(text.trim().toLowerCase()) ? field : (group.find((f) => f.element.attribs.value === text) ?? group.find((f) => loosen(f.label) === loosen(text)));
    if (!chosen) return () => `its choices are ${group.slice(0, LISTED).map((f) => quote(f.label || (f.element.attribs.value ?? "on"))).join(", ")}${more(group.length)}, not ${quote(text)}.`;
    for (const member of group) values.set(member, member === chosen ? (member.element.attribs.value ?? "on") : undefined);
    return undefined;
  }
  values.set(field, text);
  return undefined;
}

function locate(wanted: FieldFill, typed: Field[], free: Field[], all: Field[]): Field | undefined {
  if (wanted.name !== undefined) return all.find((f) => f.name === wanted.name && !NOT_TYPED.has(f.type)) ?? all.find((f) => f.name === wanted.name);
  if (wanted.position !== undefined) return typed[wanted.position - 1];
  if (wanted.type !== undefined) {
    const type = wanted.type.toLowerCase();
    return free.find((f) => f.type === type);
  }
  const text = wanted.label ?? wanted.placeholder!;
  const of = (f: Field) => loosen(wanted.label !== undefined ? f.label : (f.element.attribs.placeholder ?? ""));
  const target = loosen(text);
  return free.find((f) => of(f) === target) ?? free.find((f) => target !== "" && of(f).includes(target));
}

function valueOf(pattern: TextPattern, captures: ReadonlyMap<string, unknown>): { text: string } | { problem: string } {
  if (typeof pattern === "string") return { text: pattern };
  const filled = fillTemplate(pattern.f, captures);
  return filled.problem ? { problem: filled.problem } : { text: filled.text };
}

function locatorWords(f: FieldFill): string {
  if (f.name !== undefined) return `named ${quote(f.name)}`;
  if (f.position !== undefined) return `number ${f.position} (counting the fields a user types into)`;
  if (f.type !== undefined) return `of type ${quote(f.type)}${f.type.toLowerCase() === "password" ? ` (<input type="password">)` : ""} left to fill`;
  if (f.label !== undefined) return `labelled ${quote(f.label)}`;
  return `with the placeholder ${quote(f.placeholder!)}`;
}

function describeField(f: Field): string {
  const name = f.name !== undefined ? quote(f.name) : "(no name)";
  const extras = [f.type, f.label && `label ${quote(f.label)}`, f.element.attribs.placeholder && `placeholder ${quote(f.element.attribs.placeholder)}`].filter(Boolean);
  return `${name} (${extras.join(", ")})`;
}

function fieldsListed(typed: Field[]): string {
  if (typed.length === 0) return "It has no fields a user can type into.";
  return `Its fields: ${typed.slice(0, LISTED).map(describeField).join(", ")}${more(typed.length)}.`;
}

function formsListed(forms: Element[], labels: Map<string, string>): string {
  if (forms.length === 0) return "It has no <form> at all.";
  const shown = forms.slice(0, LISTED).map((form, i) => {
    const typed = fieldsOf(form, labels).filter((f) => !NOT_TYPED.has(f.type));
    const { method, action } = formTarget(form);
    return `form ${i + 1} (${method} ${quote(action ?? "this page")}) with ${typed.length ? typed.slice(0, LISTED).map(describeField).join(", ") : "no fields to type into"}`;
  });
  return `Its forms: ${shown.join("; ")}${more(forms.length)}.`;
}

function formTarget(form: Element, button?: Element): { method: "GET" | "POST"; action?: string } {
  const method = (button?.attribs.formmethod ?? form.attribs.method ?? "get").trim().toLowerCase() === "post" ? "POST" : "GET";
  const action = (button?.attribs.formaction ?? form.attribs.action)?.trim();
  return { method, action: action ? action : undefined };
}

/** The buttons that submit this form, in page order. */
function submitButtons(fields: Field[], form: Element): Element[] {
  const inputs = new Set(fields.filter((f) => f.type === "submit" || f.type === "image").map((f) => f.element));
  const buttons = selectAll<AnyNode, Element>(BUTTONS, form).filter(
    (e) => !("disabled" in e.attribs) && (inputs.has(e) || (e.name === "button" && ["submit", ""].includes((e.attribs.type ?? "submit").trim().toLowerCase()))),
  );
  return buttons;
}

function buttonText(button: Element): string {
  return button.name === "button" ? elementText(button) : (button.attribs.value ?? button.attribs.alt ?? "Submit");
}

function formRequest(form: Element, filled: { fields: Field[]; values: Map<Field, string | undefined> }, page: Page, a: Submit): Resolved {
  const buttons = submitButtons(filled.fields, form);
  let button: Element | undefined = buttons[0];
  if (a.button !== undefined) {
    const wanted = loosen(a.button);
    button = buttons.find((b) => loosen(buttonText(b)) === wanted) ?? buttons.find((b) => loosen(buttonText(b)).includes(wanted));
    if (!button) {
      const listed = buttons.length ? `Its buttons: ${buttons.slice(0, LISTED).map((b) => quote(buttonText(b))).join(", ")}${more(buttons.length)}.` : "It has no submit button.";
      return { problem: `the form has no button ${quote(a.button)}. ${listed}`, hint: FORM_HINT };
    }
  }
  // What a browser sends: every named field's value in page order, the typed ones replaced, buttons only when pressed.
  const sent = new Map<string, string>();
  for (const field of filled.fields) {
    if (field.name === undefined || NOT_SENT.has(field.type) || sent.has(field.name)) continue;
    const value = filled.values.has(field) ? filled.values.get(field) : field.value;
    if (value !== undefined) sent.set(field.name, value);
  }
  const pressed = button?.attribs.name;
  if (pressed !== undefined && !sent.has(pressed)) sent.set(pressed, button!.attribs.value ?? "");
  // fromEntries defines keys: a field named __proto__ stays a field.
  const form_ = Object.fromEntries(sent);
  // A button's formaction and formmethod stand in for the form's, as in a browser.
  const { method, action } = formTarget(form, button);
  const target = sameSite(action ?? page.path, page.path);
  if (!target) return { problem: `the form sends to ${quote(action ?? "")}, which is not a page of the app the grader can open`, hint: FORM_HINT };
  const formName = typeof a.form === "string" ? ` ${quote(a.form)}` : "";
  // What it sent is listed with the request; the words say only where it came from.
  const via = `submit the form${formName}`;
  if (method === "GET") {
    // A GET form replaces the action's query string with its fields, as browsers do.
    const path = target.split("?")[0]!;
    const query = new URLSearchParams([...sent]).toString();
    return { request: { method, path: query ? `${path}?${query}` : path, followRedirects: a.followRedirects }, via };
  }
  return { request: { method, path: target, form: form_, followRedirects: a.followRedirects }, via };
}

// ---------------------------------------------------------------- words

/** Student text as a message quotes it: plain, one line, cut short. */
function quote(text: string): string {
  const plain = plainText(text).replace(/\s+/g, " ").trim();
  return `"${plain.length > QUOTED ? `${plain.slice(0, QUOTED - 1)}…` : plain}"`;
}

function openingTag(element: Element): string {
  return `<${element.name}${element.attribs.class ? ` class="${element.attribs.class}"` : ""}>`;
}

function more(total: number): string {
  return total > LISTED ? ` and ${total - LISTED} more` : "";
}
