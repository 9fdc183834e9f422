/**
 * The checks as jest tests against SUBMISSION (an exercise folder or a folder of them; default:
 * the bundled solutions/). Needs Python with Flask. A student repository's copy is these lines.
 */
import { submissionTests } from "../graders/report/jest.js";

await submissionTests();
