"""The HTML of the family's review page (Jinja, autoescaped by render_template_string)."""

_STYLE = """
<style nonce="{{ nonce }}">
  body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f6f7f9;
         color: #1d2430; line-height: 1.5; }
  main { max-width: 46rem; margin: 2rem auto; background: #fff; padding: 2rem; border-radius: 8px;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
  table { width: 100%; border-collapse: collapse; margin-top: 1rem; }
  th, td { padding: .5rem; border-bottom: 1px solid #d8dce3; text-align: left; }
  td.num, th.num { text-align: right; white-space: nowrap; }
  tfoot td { font-weight: 700; border-bottom: none; }
  label { display: block; margin-top: 1rem; font-weight: 600; }
  input[type=text], textarea { width: 100%; box-sizing: border-box; padding: .55rem; font-size: 1rem;
         border: 1px solid #8a93a3; border-radius: 4px; }
  .consent { display: flex; gap: .5rem; align-items: flex-start; font-weight: 400; }
  button { margin-top: 1rem; padding: .65rem 1.2rem; font-size: 1rem; border: 0; border-radius: 4px;
         background: #1b5fb3; color: #fff; cursor: pointer; }
  button.secondary { background: #5b6472; }
  :focus-visible { outline: 3px solid #f2a900; outline-offset: 2px; }
  .status { padding: .75rem 1rem; border-radius: 4px; background: #eef4fb; margin-top: 1rem; }
  .error { background: #fdecec; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
</style>
"""

REVIEW_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>Quotation {{ q.number }} — {{ center }}</title>""" + _STYLE + """</head>
<body><main>
  <p>{{ center }}</p>
  <h1>Quotation {{ q.number }}</h1>
  <p>For {{ q.client_name or "your child" }}{% if q.recipient_name %} (parent / guardian: {{ q.recipient_name }})
  {% endif %}{% if q.expires_at %} · valid until {{ local(q.expires_at) }}{% endif %}</p>
  <table>
    <caption class="visually-hidden">Services quoted</caption>
    <thead><tr><th scope="col">Description</th><th scope="col" class="num">Quantity</th>
      <th scope="col" class="num">Unit price</th><th scope="col" class="num">Amount</th></tr></thead>
    <tbody>{% for line in q.lines %}<tr><td>{{ line.description }}</td><td class="num">{{ line.quantity }}</td>
      <td class="num">{{ money(line.unit_price_minor) }} {{ q.currency }}</td>
      <td class="num">{{ money(line.amount_minor) }} {{ q.currency }}</td></tr>{% endfor %}</tbody>
    <tfoot><tr><td colspan="3">Total</td><td class="num">{{ money(q.total_minor) }} {{ q.currency }}</td></tr></tfoot>
  </table>
  <p><a href="{{ pdf_url }}">Download the quotation (PDF)</a></p>
  {% if q.status == "signed" %}
  <p class="status" role="status">Signed by {{ q.signer_name }} on {{ local(q.signed_at) }}. Thank you!</p>
  {% elif q.status == "declined" %}
  <p class="status" role="status">You declined this quotation on {{ local(q.declined_at) }}.</p>
  {% else %}
  <h2>Sign this quotation</h2>
  <form id="sign-form" novalidate>
    <label for="signer_name">Your full name</label>
    <input id="signer_name" name="signer_name" type="text" autocomplete="name" maxlength="200" required>
    <label for="signature">Type your name again as your signature</label>
    <input id="signature" name="signature" type="text" maxlength="200" required>
    <label class="consent"><input id="consent" type="checkbox" required>
      I have read this quotation and accept it. I agree to sign it electronically.</label>
    <button type="submit">Sign the quotation</button>
  </form>
  <details><summary>Decline this quotation</summary>
    <form id="decline-form" novalidate>
      <label for="reason">Reason (optional)</label>
      <textarea id="reason" name="reason" rows="3" maxlength="1000"></textarea>
      <button type="submit" class="secondary">Decline</button>
    </form>
  </details>
  <p id="result" class="status" role="status" aria-live="polite" tabindex="-1" hidden></p>
  <script nonce="{{ nonce }}">
  (function () {
    var result = document.getElementById("result");
    function show(text, failed) {
      result.hidden = false; result.textContent = text;
      result.className = failed ? "status error" : "status"; result.focus();
    }
    function post(url, body, done) {
      fetch(url, {method: "POST", headers: {"Content-Type": "application/json", "Accept": "application/json"},
                  body: JSON.stringify(body)})
        .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
        .then(function (r) {
          if (r.ok) { done(r.data); document.querySelectorAll("form").forEach(function (f) { f.hidden = true; }); }
          else { show(r.data.detail || "Something went wrong; please try again.", true); }
        })
        .catch(function () { show("The center could not be reached; please try again.", true); });
    }
    document.getElementById("sign-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var name = document.getElementById("signer_name").value.trim();
      var signature = document.getElementById("signature").value.trim();
      if (!name || !signature) { show("Please enter your name and your typed signature.", true); return; }
      if (!document.getElementById("consent").checked) { show("Please tick the box to accept.", true); return; }
      post({{ sign_url|tojson }}, {signer_name: name, signature: signature}, function (data) {
        show("Thank you, " + data.signer_name + ": the quotation is signed.", false);
      });
    });
    document.getElementById("decline-form").addEventListener("submit", function (e) {
      e.preventDefault();
      post({{ decline_url|tojson }}, {reason: document.getElementById("reason").value.trim() || null},
           function () { show("The quotation was declined. The center will be in touch.", false); });
    });
  })();
  </script>
  {% endif %}
</main></body></html>
"""

NOTICE_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{ center }}</title>""" + _STYLE + """</head>
<body><main>
  <p>{{ center }}</p>
  <h1>{% if status == 410 %}This link has expired{% elif status == 404 %}Quotation not found
  {% else %}This link cannot be opened{% endif %}</h1>
  <p>{{ detail }}</p>
  <p>Please contact the center and ask them to send you the quotation again.</p>
</main></body></html>
"""
