/**
 * Why the secret key is missing, in words: Flask only says "no secret key was set", but the
 * source usually shows which of the usual ways it went missing. The runner's source scan
 * (graders/boot/sourceScan.py, with Python's own parser) finds the way; this module owns what the
 * student reads about it.
 */

/** The way the source lost the key, as sourceScan.py's key_finding() reports it. */
export type KeyFinding =
  /** A setting Flask never reads: `config['secret_key']`, `SECRECT_KEY`, `app.secret`, `config.SECRET_KEY`. */
  | { way: "misspelt"; line: number; written: string }
  /** Only set inside `if __name__ == "__main__":`. */
  | { way: "under-main"; line: number }
  /** Set inside a function Flask calls while answering a request (a view, before_request, ...). */
  | { way: "in-request"; line: number; fn: string; decorator: string }
  /** Set inside some other function. */
  | { way: "in-function"; line: number; fn: string }
  /** Read from an environment variable, which was unset or empty when the app ran. */
  | { way: "env"; line: number; variable?: string }
  /** Set to an empty value ("" or None). */
  | { way: "empty"; line: number }
  /** Nothing in the file sets it. */
  | { way: "never-set" }
  /** The file sets it in a way that should work (at the top level, on `line`, when known): the source does not tell. */
  | { way: "unknown"; line?: number };

/** The hint for the missing-key error, naming what the source shows; undefined when it shows nothing telling. */
export function secretKeyFinding(file: string, f: KeyFinding): string | undefined {
  const at = (line: number) => `${file} line ${line}`;
  const fix = 'Set it once at the top level of the file, right after app = Flask(__name__): app.secret_key = "some long random text".';
  switch (f.way) {
    case "misspelt":
      return `${at(f.line)} sets ${f.written}, but Flask never reads that: it only knows app.secret_key, or app.config["SECRET_KEY"] spelled exactly so, in capital letters. ${fix}`;
    case "under-main":
      return (
        `${at(f.line)} sets the secret key inside if __name__ == "__main__":, a block that only runs when you start the file with python. ` +
        `flask run and the grader import the file instead, so for them the key is never set. ${fix}`
      );
    case "in-request":
      return (
        `${at(f.line)} sets the secret key inside ${f.fn}(), which Flask only runs while answering a request (it is marked ${f.decorator}). ` +
        `Flask opens the session before that, so the request in which the key is set fails already. ${fix}`
      );
    case "in-function":
      return `${at(f.line)} sets the secret key inside ${f.fn}(), so it is only set once that function has run, and Flask needed it earlier. ${fix}`;
    case "env":
      return (
        `${at(f.line)} reads the secret key from the environment variable${f.variable ? ` ${f.variable}` : ""}, which was not set (or empty) when your app ran, so the key was empty. ` +
        `Set that variable wherever the app runs, or, for this exercise, write the key in the file: app.secret_key = "some long random text".`
      );
    case "empty":
      return `${at(f.line)} sets the secret key to an empty value, which Flask treats as no key at all. Put a long random text in the quotes.`;
    case "never-set":
      return `Your file never sets a secret key. ${fix}`;
    case "unknown":
      return undefined;
  }
}
