"""Helm v4's SDK (PyPI helm-python-sdk==0.2.2, test- and measure-only) as the oracle, the
benchmark and the real-chart measurement load it: in a folder of its own, with no Helm
configuration, storage or cluster of the machine's; and Helm's split of a rendered template
into documents."""
import atexit
import os
import re
import shutil
import tempfile

SEPARATOR = re.compile(r"(?:^|\s*\n)---\s*")


def isolate(prefix="helm-sdk-"):
    """Points every HELM_* folder into a new temporary folder, the driver at memory and
    KUBECONFIG nowhere, then loads the SDK; returns (the module, the folder), which is removed
    when the process exits."""
    work = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    for var in ["HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"]:
        os.environ[var] = os.path.join(work, var.lower())
    os.environ["HELM_DRIVER"] = "memory"
    os.environ["KUBECONFIG"] = os.path.join(work, "no-kubeconfig")
    import helm_python
    return helm_python, work


def documents(text):
    """A template's YAML documents as `helm template` prints them: Helm's separator pattern,
    each trimmed, empty ones left out."""
    return [d.strip() for d in SEPARATOR.split(text.strip()) if d.strip()]
