"""Downloads on a pool of threads with requests: the lesson's
thread_io.py, small. Usage: py_threads.py BASE_URL [N] [WORKERS]."""
import concurrent.futures
import sys
import threading

import requests

local = threading.local()


def get_session():
    if not hasattr(local, "session"):
        local.session = requests.Session()
    return local.session


def download_site(url):
    with get_session().get(url) as response:
        return len(response.content)


if __name__ == "__main__":
    base = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 160
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    sites = [base + "/a", base + "/b"] * (n // 2)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        sizes = list(executor.map(download_site, sites))
    print("Downloaded %d sites, %d bytes" % (len(sizes), sum(sizes)))
