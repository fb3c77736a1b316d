// The style sheet and script of report.html, inlined so the file works offline as one file.
// The script builds every piece of text with textContent: evidence is attacker-controlled text.

export const HTML_STYLE = `
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:14px 22px}header h1{font-size:18px;margin:0 0 4px}
header .meta{font-size:12px;opacity:.8}main{padding:16px 22px}
.badges span{display:inline-block;margin:0 6px 6px 0;padding:3px 9px;border-radius:10px;font-weight:600;font-size:12px}
table.matrix{border-collapse:collapse;background:#fff;margin:10px 0 18px;min-width:60%}
.matrix th,.matrix td{border:1px solid #d8dbe2;padding:5px 8px;text-align:left;vertical-align:top}
.matrix th.tech{background:#eef0f4}.matrix td.test{max-width:420px}.matrix .guid{font:11px monospace;color:#6b7280}
.matrix button.cell{cursor:pointer;display:block;width:100%;padding:3px 8px;border:0;border-radius:4px;font:600 12px system-ui,sans-serif;text-align:center}
.matrix button.cell:focus{outline:2px solid #2563eb}
.v-DETECTED{background:#1a9850;color:#fff}.v-MISSED{background:#d73027;color:#fff}.v-NO_TELEMETRY{background:#f46d43;color:#fff}
.v-NOT_EXECUTED{background:#6b7280;color:#fff}.v-SKIPPED{background:#e5e7eb;color:#374151}.v-INCONCLUSIVE{background:#9b59b6;color:#fff}
.v-UNEXPECTED_FIRE{background:#7f0000;color:#fff}.known{outline:2px dashed #fee08b;outline-offset:-3px}.residue{box-shadow:inset 0 0 0 3px #ff0}
#detail{background:#fff;border:1px solid #d8dbe2;border-radius:6px;padding:14px 18px}#detail[hidden]{display:none}
#detail h2{font-size:16px;margin:0 0 8px}#detail h3{font-size:14px;margin:14px 0 6px}
pre{background:#f3f4f6;padding:8px;overflow:auto;max-height:320px;font-size:12px;white-space:pre-wrap;word-break:break-all}
.why{padding:8px 10px;background:#fff7e6;border-left:4px solid #f59e0b}.alert{padding:8px 10px;background:#fee2e2;border-left:4px solid #b91c1c;margin:8px 0}
table.kv{border-collapse:collapse}table.kv td,table.kv th{border:1px solid #e5e7eb;padding:3px 6px;font-size:12px;text-align:left;vertical-align:top}
`;

export const HTML_SCRIPT = `
(function(){
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var detail = document.getElementById('detail');
  function el(tag, text, cls){ var e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function kv(obj){ var t = el('table', null, 'kv'); Object.keys(obj).forEach(function(k){ var tr = el('tr'); tr.appendChild(el('th', k)); var v = obj[k]; tr.appendChild(el('td', typeof v === 'object' && v !== null ? JSON.stringify(v) : v)); t.appendChild(tr); }); return t; }
  function show(i){
    var r = data.results[i]; detail.hidden = false; detail.textContent = '';
    detail.appendChild(el('h2', r.technique + ' ' + r.test + ' @ ' + r.target));
    var badge = el('span', r.verdict + (r.knownGap ? ' (known gap)' : ''), 'v-' + r.verdict); badge.style.padding='2px 8px'; badge.style.borderRadius='8px';
    detail.appendChild(badge);
    detail.appendChild(el('p', 'GUID ' + r.guid + ' | marker ' + r.marker + ' | platform ' + r.platform));
    detail.appendChild(el('p', data.explanations[i], 'why'));
    var residue = (r.execution && r.execution.cleanup && r.execution.cleanup.residue) || [];
    if (residue.length) detail.appendChild(el('div', 'RESIDUE after cleanup: ' + residue.join(', '), 'alert'));
    if (r.execution) {
      detail.appendChild(el('h3', 'Execution'));
      detail.appendChild(kv({exitCode: r.execution.exitCode, timedOut: r.execution.timedOut, startedAt: r.execution.startedAt, finishedAt: r.execution.finishedAt, reason: r.execution.reason || '', cleanup: r.execution.cleanup}));
      if (r.execution.stdout) { detail.appendChild(el('h3', 'stdout')); detail.appendChild(el('pre', r.execution.stdout)); }
      if (r.execution.stderr) { detail.appendChild(el('h3', 'stderr')); detail.appendChild(el('pre', r.execution.stderr)); }
    }
    detail.appendChild(el('h3', 'Signals'));
    var st = el('table', null, 'kv'); var h = el('tr'); ['signal','required','found','tie','latency ms','why'].forEach(function(x){ h.appendChild(el('th', x)); }); st.appendChild(h);
    r.signals.forEach(function(s){ var tr = el('tr'); [s.id, s.required, s.found, s.tie || '', s.latencyMs === null ? '' : s.latencyMs, s.reason || ''].forEach(function(x){ tr.appendChild(el('td', x)); }); st.appendChild(tr); });
    detail.appendChild(st);
    detail.appendChild(el('h3', 'Detections'));
    r.detections.forEach(function(d){
      detail.appendChild(el('p', d.rule + ': expected ' + (d.fires ? 'to fire' : 'not to fire') + ', ' + (d.fired ? 'fired' : 'did not fire') + (d.knownGap ? ' (known gap: ' + d.knownGap + ')' : '')));
      if (d.explanation) detail.appendChild(el('p', d.explanation, 'why'));
      if (d.rows && d.rows.length) { detail.appendChild(el('div', 'rows tied to this execution:')); d.rows.forEach(function(row){ detail.appendChild(kv(row)); }); }
    });
    var refs = {}; r.signals.forEach(function(s){ (s.eventRefs || []).forEach(function(x){ refs[x] = true; }); });
    var keys = Object.keys(refs);
    detail.appendChild(el('h3', 'Evidence events (' + keys.length + ')'));
    keys.forEach(function(k){ var ev = data.evidence[k]; detail.appendChild(el('pre', ev === undefined ? '(event ' + k + ' not stored)' : JSON.stringify(ev, null, 2), 'evidence')); });
    detail.scrollIntoView({block: 'nearest'});
  }
  Array.prototype.forEach.call(document.querySelectorAll('button.cell'), function(b){ b.addEventListener('click', function(){ show(Number(b.getAttribute('data-index'))); }); });
})();
`;
