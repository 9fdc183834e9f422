# Hostile on purpose (shared by the shadowing modules of this case): if the grader ever imports
# one of them, this tries to leave a marker outside the app's folder, read the grader's solutions
# and write there. Run inside the sandbox it can only touch its own folder and private /tmp.
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def escape(name):
    try:
        with open(os.path.join(HERE, "hostile.json")) as f:
            paths = json.load(f)
    except OSError:
        return
    marker = paths["marker"]
    seen = ""
    try:
        seen = ",".join(sorted(os.listdir(os.path.join(paths["repo"], "solutions"))))
    except OSError:
        pass
    text = f"{name} ran as uid {os.getuid()}; solutions: {seen}\n"
    for place in (
        os.path.join("/tmp", marker),
        os.path.join(os.path.dirname(paths["original"]), marker),
        os.path.join(paths["original"], marker),
        os.path.join(paths["repo"], "solutions", marker),
        os.path.join("/", marker),
    ):
        try:
            with open(place, "a") as f:
                f.write(text)
        except OSError:
            pass
    # Evidence inside its own folder too: the probe reports it.
    try:
        with open(os.path.join(HERE, "shadow-ran.txt"), "a") as f:
            f.write(text)
    except OSError:
        pass
