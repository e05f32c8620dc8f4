/// The console's one HTML page. Views are sections the script shows by the URL's fragment
/// (`#/`, `#/engines`, `#/engines/<product>/<user>`, `#/audit`); nothing here is inline
/// script or style (the CSP forbids both), and the script fills every value with
/// `textContent`, never markup.
enum ConsolePage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>bap-engine console</title>
<link rel="icon" href="/ui/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header id="top" hidden>
  <span class="brand">bap-engine</span>
  <nav aria-label="Views">
    <a href="#/" data-nav="overview">Overview</a>
    <a href="#/engines" data-nav="engines">Engines</a>
    <a href="#/audit" data-nav="audit">Audit</a>
  </nav>
  <span id="scope" class="scope"></span>
  <span id="live" class="live" role="status" aria-live="polite">offline</span>
  <button id="signout" type="button">Sign out</button>
</header>
<main id="main" tabindex="-1">

<section id="view-signin" class="view" hidden>
  <h1>Sign in</h1>
  <form id="signin-form" class="card narrow" autocomplete="off">
    <p>Use the admin key (the whole fleet) or a product's platform key (that product only).
       The key stays in this tab's session storage and is sent only as a request header.</p>
    <label for="signin-key">Key</label>
    <input id="signin-key" name="key" type="password" required spellcheck="false" autocomplete="off">
    <fieldset>
      <legend>Key type</legend>
      <label><input type="radio" name="kind" value="auto" checked> Detect</label>
      <label><input type="radio" name="kind" value="admin"> Admin key</label>
      <label><input type="radio" name="kind" value="platform"> Platform key</label>
    </fieldset>
    <button type="submit">Sign in</button>
    <p id="signin-error" class="error" role="alert"></p>
  </form>
</section>

<section id="view-overview" class="view" hidden>
  <h1>Fleet overview</h1>
  <div class="cards">
    <div class="card stat"><span class="label">Engines</span><span id="ov-total" class="value">–</span></div>
    <div class="card stat"><span class="label">Ready</span><span id="ov-ready" class="value">–</span></div>
    <div class="card stat"><span class="label">Failing</span><span id="ov-failing" class="value">–</span></div>
    <div class="card stat"><span class="label">Fleet health</span><span id="ov-health" class="value">–</span></div>
    <div class="card stat"><span class="label">Restart breaker</span><span id="ov-breaker" class="value">–</span><span id="ov-breaker-detail" class="detail"></span></div>
  </div>
  <div class="grid2">
    <div class="card">
      <h2>Engines by phase</h2>
      <table class="bars" id="ov-phases"><tbody></tbody></table>
    </div>
    <div class="card">
      <h2>Admits, last <span id="ov-admit-window">15</span> minutes</h2>
      <p class="detail">As this server answered them; refreshed every 10 s.</p>
      <table class="bars" id="ov-admit-totals"><tbody></tbody></table>
      <div class="scroll"><table id="ov-admit-minutes"><thead><tr><th scope="col">Minute</th><th scope="col">Admitted</th><th scope="col">Rate limited</th><th scope="col">Quota</th><th scope="col">Denied</th><th scope="col">Errors</th></tr></thead><tbody></tbody></table></div>
    </div>
  </div>
  <div class="card" id="ov-products-card">
    <h2>Products</h2>
    <div class="scroll"><table id="ov-products"><thead><tr><th scope="col">Product</th><th scope="col">Engines</th><th scope="col">Ready</th><th scope="col">Asleep</th><th scope="col">Failing</th></tr></thead><tbody></tbody></table></div>
  </div>
</section>

<section id="view-engines" class="view" hidden>
  <h1>Engines</h1>
  <form id="filters" class="filters" role="search">
    <label>Product <select id="f-product"><option value="">all</option></select></label>
    <label>Phase <select id="f-phase"><option value="">all</option></select></label>
    <label class="grow">Search <input id="f-text" type="search" placeholder="user, URL, id… (press /)" spellcheck="false"></label>
  </form>
  <div class="pager" id="pager-top">
    <button type="button" data-page="prev">Previous</button>
    <span class="range" aria-live="polite"></span>
    <button type="button" data-page="next">Next</button>
  </div>
  <div class="scroll">
    <table id="engines" class="engines">
      <thead><tr>
        <th scope="col" data-sort="product"><button type="button">Product</button></th>
        <th scope="col" data-sort="user"><button type="button">User</button></th>
        <th scope="col" data-sort="want"><button type="button">Want</button></th>
        <th scope="col" data-sort="phase"><button type="button">Phase</button></th>
        <th scope="col" data-sort="ready"><button type="button">Ready</button></th>
        <th scope="col" data-sort="restarts" class="opt"><button type="button">Restarts</button></th>
        <th scope="col" data-sort="age" class="opt"><button type="button">Age</button></th>
        <th scope="col" data-sort="url" class="opt"><button type="button">URL</button></th>
      </tr></thead>
      <tbody></tbody>
    </table>
  </div>
  <p id="engines-empty" class="detail" hidden>No engine matches.</p>
</section>

<section id="view-engine" class="view" hidden>
  <p><a href="#/engines">← Engines</a></p>
  <h1 id="en-title">Engine</h1>
  <div class="actions" role="group" aria-label="Actions">
    <button type="button" data-action="sleep">Sleep</button>
    <button type="button" data-action="wake">Wake</button>
    <button type="button" data-action="rotate">Rotate key</button>
    <button type="button" data-action="delete" class="danger">Delete</button>
  </div>
  <p id="en-message" role="status" aria-live="polite"></p>
  <div class="grid2">
    <div class="card"><h2>Spec</h2><table class="kv" id="en-spec"><tbody></tbody></table></div>
    <div class="card"><h2>Status</h2><table class="kv" id="en-status"><tbody></tbody></table></div>
  </div>
  <div class="card">
    <h2>Conditions</h2>
    <div class="scroll"><table id="en-conditions"><thead><tr><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Message</th><th scope="col">Since</th></tr></thead><tbody></tbody></table></div>
  </div>
  <div class="card">
    <h2>Recent audit</h2>
    <div class="scroll"><table id="en-audit"><thead><tr><th scope="col">Time</th><th scope="col">Action</th><th scope="col">Actor</th><th scope="col">Details</th></tr></thead><tbody></tbody></table></div>
  </div>
  <div class="card">
    <h2>Log tail <button type="button" id="en-logs-refresh" class="small">Refresh</button></h2>
    <pre id="en-logs" tabindex="0" aria-label="Log tail"></pre>
  </div>
</section>

<section id="view-audit" class="view" hidden>
  <h1>Audit</h1>
  <form id="audit-filters" class="filters">
    <label id="a-product-label">Product <select id="a-product"><option value="">all</option></select></label>
    <label>User <input id="a-user" type="text" spellcheck="false"></label>
    <label>Action <input id="a-action" type="text" list="a-actions" spellcheck="false"></label>
    <datalist id="a-actions"></datalist>
    <label>Since <select id="a-since">
      <option value="">any time</option><option value="900">15 minutes</option><option value="3600">1 hour</option>
      <option value="86400">24 hours</option><option value="604800">7 days</option></select></label>
    <label>Rows <select id="a-limit"><option>50</option><option selected>100</option><option>500</option><option>1000</option></select></label>
    <button type="submit">Apply</button>
  </form>
  <p id="audit-error" class="error" role="alert"></p>
  <div class="scroll"><table id="audit"><thead><tr><th scope="col">Time</th><th scope="col">Product</th><th scope="col">User</th><th scope="col">Action</th><th scope="col">Actor</th><th scope="col">Details</th></tr></thead><tbody></tbody></table></div>
</section>

</main>
<dialog id="confirm" aria-labelledby="confirm-text">
  <form method="dialog">
    <p id="confirm-text"></p>
    <div class="actions">
      <button value="cancel" type="submit" autofocus>Cancel</button>
      <button value="ok" type="submit" id="confirm-ok" class="danger">Confirm</button>
    </div>
  </form>
</dialog>
</body>
</html>
"""#

    static let icon = #"""
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f6feb"/><path d="M4 4h5a2 2 0 0 1 0 4H4zm0 4h6a2 2 0 0 1 0 4H4z" fill="#fff"/></svg>
"""#
}
