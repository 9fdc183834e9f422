/**
 * The missing secret key: sourceScan.py finds the way the source lost it (a KeyFinding), and
 * graders/words/secretKey.ts words it for the student.
 */
export { secretKeyFinding, type KeyFinding } from "../words/secretKey.js";
