"""The console in headless Chromium against a real server (run by scripts/ui-test, which sets
the BAP_UI_* variables). Every step asserts; any failure exits non-zero with a screenshot of
the page as it was."""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select

BASE = os.environ["BAP_UI_BASE"]
ADMIN = os.environ["BAP_UI_ADMIN_KEY"]
CLI = os.environ["BAP_UI_CLI"]
ARTIFACTS = os.environ["BAP_UI_ARTIFACTS"]
WORK = os.environ["BAP_UI_WORK"]
BULK = int(os.environ.get("BAP_UI_BULK", "10000"))
LATENCY_MS = int(os.environ.get("BAP_UI_LATENCY_MS", "0"))
FIGURES = {}


def log(message):
    print(f"ui-test: {message}", file=sys.stderr, flush=True)


def api(method, path, body=None, key=ADMIN, header="X-Admin-Key"):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(BASE + path, data=data, method=method, headers={header: key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def cli(*args):
    started = time.monotonic()
    result = subprocess.run([CLI, *args, "--server", BASE, "--admin-key", ADMIN], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"bap-engine {' '.join(args)} failed: {result.stdout}\n{result.stderr}"
    return result.stdout, time.monotonic() - started


def wait_for(what, predicate, timeout=20.0, interval=0.05):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as error:  # The page may be re-rendering the element just now.
            last = error
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def engine(product, user):
    return api("GET", f"/v1/products/{product}/engines/{user}")


FLEET = """
kind: Product
slug: shop
display_name: Shop
policy: {auto_provision: true, auto_wake: true}
---
kind: Product
slug: blog
display_name: Blog
---
kind: EngineSet
product: shop
users: [alice, bob]
state: awake
---
kind: Engine
product: shop
user: carol
state: asleep
---
kind: Engine
product: blog
user: dan
state: awake
---
kind: Engine
product: blog
user: "eve <b>bold</b>"
state: asleep
"""


class Console:
    def __init__(self):
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_page_load_timeout(30)
        if LATENCY_MS:
            # Every request of the page answers this much later: a page that acts on what it
            # has not loaded yet, or renders answers in arrival order, shows it every run.
            self.driver.execute_cdp_cmd("Network.enable", {})
            self.driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
                "offline": False, "latency": LATENCY_MS, "downloadThroughput": -1, "uploadThroughput": -1})

    def shot(self, name):
        path = os.path.join(ARTIFACTS, f"{name}.png")
        self.driver.save_screenshot(path)
        log(f"screenshot {path}")

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css):
        return self.find(css).text

    def go(self, fragment):
        self.driver.execute_script("location.hash = arguments[0]", fragment)

    def choose(self, css, value):
        Select(self.find(css)).select_by_value(value)

    def row(self, key):
        rows = [r for r in self.finds("#engines tbody tr") if r.get_attribute("data-key") == key]
        return rows[0] if rows else None

    def keys(self, css="#engines tbody tr", attribute="key"):
        """One script call, so a live re-render between two reads cannot make a row stale."""
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map((r) => r.dataset[arguments[1]])", css, attribute)

    def row_attr(self, key, attribute):
        return self.driver.execute_script(
            "const r = Array.from(document.querySelectorAll('#engines tbody tr')).find((r) => r.dataset.key === arguments[0]);"
            "return r ? r.dataset[arguments[1]] : null", key, attribute)

    def engine_shown(self, key):
        """The engine page has this engine's answer on screen (not the previous engine's values
        under a new title while the request is out): its actions are live."""
        return self.driver.execute_script(
            "const v = document.querySelector('#view-engine');"
            "return !v.hidden && v.dataset.engine === arguments[0] && !v.hasAttribute('aria-busy')", key)

    def sign_in(self, key, kind="auto"):
        self.driver.get(BASE + "/ui")
        wait_for("sign-in form", lambda: self.find("#signin-key").is_displayed())
        self.find(f'input[name="kind"][value="{kind}"]').click()
        field = self.find("#signin-key")
        field.clear()
        field.send_keys(key)
        field.send_keys(Keys.ENTER)
        wait_for("the signed-in header", lambda: self.find("#top").is_displayed())
        wait_for("the live watch", lambda: self.text("#live") == "live")

    def sign_out(self):
        self.find("#signout").click()
        wait_for("the sign-in view", lambda: self.find("#view-signin").is_displayed())

    def console_errors(self):
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]


def main():
    # ------------------------------------------------------------ a fleet, applied from the CLI
    fleet = os.path.join(WORK, "fleet.yaml")
    with open(fleet, "w") as handle:
        handle.write(FLEET)
    if BULK:
        with open(fleet, "a") as handle:
            handle.write(f"---\nkind: Product\nslug: bulk\ndisplay_name: Bulk\n---\nkind: EngineSet\nproduct: bulk\n"
                         f"count: {BULK}\nprefix: user-\nstate: asleep\n")
    _, FIGURES["apply_s"] = cli("apply", "-f", fleet)
    total = 5 + BULK
    log(f"applied {total} engines in {FIGURES['apply_s']:.1f} s")
    wait_for("shop and blog engines running", lambda: all(
        engine(p, u)[1]["status"]["phase"] == "running" for p, u in (("shop", "alice"), ("shop", "bob"), ("blog", "dan"))), timeout=60, interval=0.3)

    console = Console()
    page = console.driver
    try:
        # ------------------------------------------------------------ sign in as the admin
        page.get(BASE + "/ui")
        wait_for("sign-in form", lambda: console.find("#signin-key").is_displayed())
        assert not console.find("#top").is_displayed(), "the signed-in header shows before sign-in"
        console.shot("01-sign-in")
        started = time.monotonic()
        console.sign_in(ADMIN)
        assert console.text("#scope") == "admin · whole fleet", console.text("#scope")
        wait_for("the overview counting every engine", lambda: console.text("#ov-total") == f"{total:,}", timeout=60)
        FIGURES["admin_sign_in_to_all_engines_s"] = time.monotonic() - started
        assert ADMIN not in page.current_url and "key" not in page.current_url
        stored = page.execute_script("return [sessionStorage.getItem('bap.console.auth'), localStorage.length, document.cookie]")
        assert ADMIN in stored[0] and stored[1] == 0 and stored[2] == "", stored
        # Admits for the overview's outcome table: two admitted, one denied.
        platform_shop = api("POST", "/v1/products/shop/rotate-platform-key")[1]["platform_api_key"]
        for user in ("alice", "alice", "nobody-stopped"):
            api("POST", f"/engines/{user}/admit", {"auto_provision": user != "nobody-stopped"}, key=platform_shop, header="X-Platform-Key")
        wait_for("admit outcomes on the overview", lambda: console.find('#ov-admit-totals tr[data-label="Admitted"] td:last-child').text == "2", timeout=30)
        wait_for("the breaker state", lambda: console.text("#ov-breaker") == "closed")
        console.shot("02-overview")

        # ------------------------------------------------------------ the engine table
        console.go("#/engines")
        console.choose("#f-product", "shop")
        wait_for("shop's rows", lambda: console.row("shop/alice") and console.row("shop/carol"))
        assert all(k.startswith("shop/") for k in console.keys()), console.keys()
        console.choose("#f-product", "")
        wait_for("every product again", lambda: f"of {total:,}" in console.text("#pager-top .range"))
        # The user id with markup stays text.
        console.find("#f-text").send_keys("eve")
        wait_for("eve's row", lambda: console.row("blog/eve <b>bold</b>"))
        assert console.finds("#engines tbody b") == [], "a user id became markup"
        console.find("#f-text").send_keys(Keys.BACKSPACE * 3)
        wait_for("every product again", lambda: f"of {total:,}" in console.text("#pager-top .range"))
        console.shot("03-engines")

        # ------------------------------------------------------------ sleep from the CLI, seen live
        console.find("#f-text").send_keys("alice")
        wait_for("alice's row", lambda: console.row_attr("shop/alice", "want") == "awake")
        cli("sleep", "alice", "--product", "shop")
        returned = time.monotonic()
        wait_for("alice's row asleep", lambda: console.row_attr("shop/alice", "want") == "asleep", timeout=2.0, interval=0.02)
        FIGURES["cli_sleep_to_row_want_s"] = time.monotonic() - returned
        wait_for("alice's row sleeping", lambda: console.row_attr("shop/alice", "phase") == "sleeping", timeout=30, interval=0.05)
        FIGURES["cli_sleep_to_row_phase_sleeping_s"] = time.monotonic() - returned
        log(f"CLI sleep → row asleep {FIGURES['cli_sleep_to_row_want_s']:.3f} s, → phase sleeping {FIGURES['cli_sleep_to_row_phase_sleeping_s']:.3f} s")
        console.shot("04-engines-alice-asleep")

        # ------------------------------------------------------------ act from the page, keyboard only
        console.go("#/engines/shop/bob")
        wait_for("bob's page", lambda: console.engine_shown("shop/bob") and console.finds('#en-conditions tr[data-type="Ready"]'))
        assert console.text("#en-title") == "shop / bob", console.text("#en-title")
        wait_for("bob's log tail", lambda: console.text("#en-logs") not in ("", "(empty)"))
        wait_for("bob's audit rows", lambda: console.finds("#en-audit tbody tr"))
        console.shot("05-engine-page")
        sleep_button = console.find('[data-action="sleep"]')
        # A cancelled confirmation changes nothing.
        sleep_button.send_keys(Keys.ENTER)
        wait_for("the confirmation", lambda: console.find("#confirm").is_displayed())
        console.shot("06-confirm")
        page.switch_to.active_element.send_keys(Keys.ESCAPE)
        wait_for("the dialog closed", lambda: not console.find("#confirm").is_displayed())
        time.sleep(0.5)
        assert engine("shop", "bob")[1]["spec"]["state"] == "awake", "a cancelled sleep reached the store"
        # Enter on Sleep, Tab to Confirm, Enter.
        sleep_button.send_keys(Keys.ENTER)
        wait_for("the confirmation", lambda: console.find("#confirm").is_displayed())
        page.switch_to.active_element.send_keys(Keys.TAB)
        assert page.switch_to.active_element.get_attribute("id") == "confirm-ok"
        page.switch_to.active_element.send_keys(Keys.ENTER)
        wait_for("bob asleep in the store", lambda: engine("shop", "bob")[1]["spec"]["state"] == "asleep")
        wait_for("the page saying so", lambda: "Sleep: done" in console.text("#en-message"))
        # Rotate the key.
        before = engine("shop", "bob")[1]["spec"]["key_generation"]
        console.find('[data-action="rotate"]').send_keys(Keys.ENTER)
        wait_for("the confirmation", lambda: console.find("#confirm").is_displayed())
        console.find("#confirm-ok").send_keys(Keys.ENTER)
        wait_for("a new key generation in the store", lambda: engine("shop", "bob")[1]["spec"]["key_generation"] == before + 1)
        # Wake it again.
        console.find('[data-action="wake"]').send_keys(Keys.ENTER)
        wait_for("the confirmation", lambda: console.find("#confirm").is_displayed())
        console.find("#confirm-ok").send_keys(Keys.ENTER)
        wait_for("bob awake in the store", lambda: engine("shop", "bob")[1]["spec"]["state"] == "awake")
        wait_for("bob's audit showing the rotation", lambda: any(r.get_attribute("data-action") == "spec_update" for r in console.finds("#en-audit tbody tr")))
        console.shot("07-engine-after-actions")
        # Delete carol.
        # Until carol's answer is in, her title shows over no values (before: bob's spec under
        # her title, and a Delete pressed then silently did nothing); wait for her engine.
        bob_id = engine("shop", "bob")[1]["engine_id"]
        mixed = []
        def carol_shown():
            title, spec = page.execute_script("return [document.querySelector('#en-title').textContent, document.querySelector('#en-spec tbody').textContent]")
            if title == "shop / carol" and bob_id in spec:
                mixed.append(spec)
            return console.engine_shown("shop/carol") and console.finds("#en-spec tbody tr")
        console.go("#/engines/shop/carol")
        wait_for("carol's page", carol_shown)
        assert not mixed, f"bob's spec shown under carol's title: {mixed[0]!r}"
        assert console.text("#en-title") == "shop / carol", console.text("#en-title")
        console.find('[data-action="delete"]').send_keys(Keys.ENTER)
        wait_for("the confirmation", lambda: console.find("#confirm").is_displayed())
        assert "cannot be undone" in console.text("#confirm-text")
        console.find("#confirm-ok").send_keys(Keys.ENTER)
        wait_for("carol deleted in the store", lambda: engine("shop", "carol")[0] == 404 or engine("shop", "carol")[1].get("deletion_requested_at"))
        wait_for("carol gone from the page", lambda: "deleted" in console.text("#en-message") or "Deletion requested" in console.text("#en-message"))
        console.shot("08-engine-deleted")

        # ------------------------------------------------------------ the audit page
        # The page's first, unfiltered answer is held back until after the filtered one (the
        # order a busy server may answer in): the page must render only its latest request.
        page.execute_script("""
            const real = window.fetch;
            window.fetch = (input, init) => {
              if (!String(input).startsWith('/v1/audit?limit=') || String(input).includes('action=')) return real(input, init);
              window.fetch = real;
              return real(input, init).then((answer) => new Promise((resolve) => setTimeout(() => resolve(answer), 3000)));
            };""")
        console.go("#/audit")
        console.find("#a-action").send_keys("sleep")
        console.choose("#a-product", "shop")
        console.find("#a-action").send_keys(Keys.ENTER)
        # Only sleep rows, at least two, once the latest request answered (aria-busy on the
        # table until then); they stay when the held-back unfiltered answer arrives.
        def only_sleep_rows():
            if console.find("#audit").get_attribute("aria-busy"):
                return False
            actions = console.keys("#audit tbody tr", "action")
            return len(actions) >= 2 and all(a == "sleep" for a in actions)
        wait_for("only the sleep rows", only_sleep_rows)
        console.shot("09-audit")
        time.sleep(3.5)
        assert only_sleep_rows(), f"a late answer replaced the filtered audit rows: {console.keys('#audit tbody tr', 'action')}"

        # ------------------------------------------------------------ a phone-sized window
        page.set_window_size(390, 844)
        console.go("#/engines")
        console.find("#f-text").send_keys(Keys.CONTROL + "a", Keys.DELETE)
        wait_for("rows on a phone", lambda: console.finds("#engines tbody tr"))
        assert page.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), "the page scrolls sideways on a phone"
        console.shot("10-engines-phone")
        console.go("#/")
        time.sleep(0.5)
        console.shot("11-overview-phone")
        page.set_window_size(1280, 900)

        # ------------------------------------------------------------ 10,000 engines
        if BULK:
            console.go("#/engines")
            started = time.monotonic()
            console.choose("#f-product", "bulk")
            wait_for("the bulk product filtered", lambda: f"of {BULK:,}" in console.text("#pager-top .range"))
            FIGURES["filter_10k_product_s"] = time.monotonic() - started
            started = time.monotonic()
            console.find('th[data-sort="user"] button').send_keys(Keys.ENTER)
            console.find('th[data-sort="user"] button').send_keys(Keys.ENTER)
            wait_for("sorted descending", lambda: console.find('th[data-sort="user"]').get_attribute("aria-sort") == "descending")
            FIGURES["sort_10k_twice_s"] = time.monotonic() - started
            first = console.keys()[0]
            assert first == f"bulk/user-{BULK}" if BULK else first.startswith("bulk/user-"), first
            if BULK > 200:
                for _ in range(2):
                    console.find('[data-page="next"]').send_keys(Keys.ENTER)
                wait_for("page 3", lambda: console.text("#pager-top .range").startswith("201–300"))
            timing = page.execute_script("""
                const t0 = performance.now();
                document.querySelector('#f-text').value = 'user-77';
                document.querySelector('#f-text').dispatchEvent(new Event('input'));
                return performance.now() - t0;""")
            FIGURES["text_filter_render_10k_ms"] = timing
            assert "of 111" in console.text("#pager-top .range") if BULK >= 7800 else True, console.text("#pager-top .range")
            FIGURES["page_heap_mb"] = page.execute_script("return performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null")
            console.shot("12-engines-10k")

        # ------------------------------------------------------------ no CSP violation, no script error
        # Failed requests the page expects (a log tail of an engine that never ran answers 502)
        # are network entries; a CSP violation or a script error is not.
        errors = [e for e in console.console_errors() if e.get("source") != "network"]
        assert not errors, f"browser errors: {errors}"

        # ------------------------------------------------------------ a platform key: its product only
        console.sign_out()
        platform_blog = api("POST", "/v1/products/blog/rotate-platform-key")[1]["platform_api_key"]
        console.sign_in(platform_blog)
        assert console.text("#scope") == "product blog", console.text("#scope")
        wait_for("blog's two engines", lambda: console.text("#ov-total") == "2", timeout=20)
        console.shot("13-platform-overview")
        console.go("#/engines")
        wait_for("blog's rows", lambda: console.row("blog/dan"))
        keys = console.keys()
        assert sorted(keys) == ["blog/dan", "blog/eve <b>bold</b>"], keys
        assert "of 2" in console.text("#pager-top .range")
        options = [o.text for o in console.finds("#f-product option")]
        assert options == ["all", "blog"], options
        console.shot("14-platform-engines")
        # Another product's engine page answers "not found" to this key.
        console.go("#/engines/shop/alice")
        wait_for("no access to shop", lambda: "does not exist" in console.text("#en-message"))
        # The key is rotated under the page: the next call signs out.
        api("POST", "/v1/products/blog/rotate-platform-key")
        console.go("#/engines/blog/dan")
        wait_for("signed out after the rotation", lambda: console.find("#view-signin").is_displayed())
        assert "refused" in console.text("#signin-error")
        assert not console.find("#top").is_displayed(), "the signed-in header still shows after sign-out"
        assert page.execute_script("return sessionStorage.length") == 0
        console.shot("15-signed-out-after-rotation")
    except BaseException:
        log(f"figures so far: {json.dumps(FIGURES)}")
        try:
            console.shot("failure")
        finally:
            raise
    finally:
        console.driver.quit()
    print(json.dumps({"ui_test_figures": FIGURES}, indent=2))


if __name__ == "__main__":
    main()
