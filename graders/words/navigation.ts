/**
 * Words for `follow` and `submit` steps that could not be done: no such link, form, field or
 * button on the page, and what the page has instead. graders/drive/navigate.ts decides; every
 * argument here is already quoted student text (plain, one line, cut short) or a list built
 * with these words.
 */

export const NO_PAGE_YET = "this browser has no page open yet";
export const NO_CONTENT_TYPE = "no content type";
export const notHtml = (path: string, contentType: string, kind: "follow" | "submit"): string =>
  `the page ${path} is not an HTML page (${contentType}), so it has no ${kind === "follow" ? "links" : "forms"} to use`;

// ---- Links ----

export const LINK_HINT = 'A link is an <a href="/some/page">text</a> element on the page; the grader clicks it by the text between the tags.';
export const nothingMatchesSelector = (path: string, selector: string, links: string): string =>
  `the page ${path} has nothing matching the selector ${selector}. ${links}`;
export const notALink = (selector: string, tag: string, links: string): string =>
  `the selector ${selector} finds ${tag}, which is not a link (it has no href). ${links}`;
export const noLinkWithText = (path: string, text: string, links: string): string => `the page ${path} has no link whose text is ${text}. ${links}`;
export const linkLeavesApp = (name: string, href: string): string => `the link ${name} points to ${href}, which is not a page of the app the grader can open`;
export const followedLink = (name: string): string => `follow the link ${name}`;
export const followedLinkAt = (selector: string, name: string): string => `follow the link at ${selector} (${name})`;
export const NO_LINKS = "It has no links.";
export const NO_LINK_TEXT = "(no text)";
export const linkListed = (name: string, href: string): string => `${name} → ${href}`;
export const linksListed = (shown: readonly string[], more: string): string => `Its links: ${shown.join(", ")}${more}.`;
/** After a list cut at `listed` items. */
export const andMore = (hidden: number): string => ` and ${hidden} more`;

// ---- Forms ----

export const FORM_HINT =
  "The grader fills in the form on the page as a user would, finding each field by its label, type or placeholder: give every field a <label> and a name, inside the <form>.";
export const NO_FORM = "no form";
export const noFormNumber = (n: number): string => `no form number ${n}`;
export const noFormMatching = (form: string): string => `no form matching ${form}`;
export const pageHas = (path: string, which: string, forms: string): string => `the page ${path} has ${which}. ${forms}`;
export const noFormHasEveryField = (path: string): string => `no form on the page ${path} has every field asked for; in the first: `;
export const noField = (locator: string, fields: string): string => `the form has no field ${locator}. ${fields}`;
export const fieldWithoutName = (locator: string): string =>
  `the field ${locator} has no name, so a browser would not send what is typed into it; give it name="..."`;
export const fieldProblem = (locator: string, problem: string): string => `the field ${locator}: ${problem}`;
export const noOption = (text: string, options: readonly string[], more: string): string =>
  `it has no option ${text}. Its options: ${options.join(", ") || "none"}${more}.`;
export const notAChoice = (choices: readonly string[], more: string, text: string): string => `its choices are ${choices.join(", ")}${more}, not ${text}.`;

/** How a spec's field is found, after "the field ". */
export const fieldNamed = (name: string): string => `named ${name}`;
export const fieldNumber = (position: number): string => `number ${position} (counting the fields a user types into)`;
export const fieldOfType = (type: string, password: boolean): string => `of type ${type}${password ? ` (<input type="password">)` : ""} left to fill`;
export const fieldLabelled = (label: string): string => `labelled ${label}`;
export const fieldWithPlaceholder = (placeholder: string): string => `with the placeholder ${placeholder}`;

/** A field as the lists of a page's fields and forms show it. */
export const NO_NAME = "(no name)";
export const labelWord = (label: string): string => `label ${label}`;
export const placeholderWord = (placeholder: string): string => `placeholder ${placeholder}`;
export const fieldListed = (name: string, extras: readonly string[]): string => `${name} (${extras.join(", ")})`;
export const NO_TYPED_FIELDS = "It has no fields a user can type into.";
export const fieldsListed = (shown: readonly string[], more: string): string => `Its fields: ${shown.join(", ")}${more}.`;
export const NO_FORMS = "It has no <form> at all.";
export const THIS_PAGE = "this page";
export const NO_FIELDS_TO_TYPE = "no fields to type into";
export const formListed = (n: number, method: string, action: string, fields: string): string => `form ${n} (${method} ${action}) with ${fields}`;
export const formsListed = (shown: readonly string[], more: string): string => `Its forms: ${shown.join("; ")}${more}.`;

export const buttonsListed = (shown: readonly string[], more: string): string => `Its buttons: ${shown.join(", ")}${more}.`;
export const NO_SUBMIT_BUTTON = "It has no submit button.";
export const noButton = (button: string, listed: string): string => `the form has no button ${button}. ${listed}`;
export const formLeavesApp = (action: string): string => `the form sends to ${action}, which is not a page of the app the grader can open`;
export const submittedForm = (formName: string): string => `submit the form${formName}`;
