/** Whether a CSS selector in a spec compiles as the grader will use it (css-select). */
import { compile } from "css-select";

export function selectorProblem(selector: string): string | undefined {
  try {
    compile(selector);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
