// The live page: polls the JSON API every 2 s (GET /pipelines, /service), keeps the last 5 minutes of figures in
// memory for the charts, and offers the operator's actions (resume, replay) through the same API and credentials.
'use strict';

const POLL_MS = 2000;
const HISTORY = 150; // points: 5 minutes at one every 2 s
const history = new Map(); // pipeline → [{t, processed, errors}]
const DEAD_LETTERS_EVERY_MS = 10000; // a Kafka pipeline's dead letters are read from its topic: not on every poll
const deadLetterState = new Map(); // pipeline → {errors, at}: when its dead letters were last fetched

async function api(path, options) {
  // from the origin, not the page's address: an address with user:password@ in it cannot be fetched from
  const response = await fetch(location.origin + path, Object.assign({ credentials: 'same-origin' }, options));
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(body.error || (response.status + ' ' + response.statusText));
  }
  return body;
}

function say(text, bad) {
  const message = document.getElementById('message');
  message.textContent = text;
  message.className = bad ? 'bad' : '';
}

function card(name) {
  let section = document.querySelector(`section[data-pipeline="${CSS.escape(name)}"]`);
  if (!section) {
    section = document.getElementById('pipeline-card').content.firstElementChild.cloneNode(true);
    section.dataset.pipeline = name;
    section.querySelector('.name').textContent = name;
    section.querySelector('.resume').addEventListener('click', () => act(name, 'resume'));
    section.querySelector('.replay-all').addEventListener('click', event => {
      event.preventDefault();
      const ids = [...section.querySelectorAll('.dead-letters tbody tr')].map(row => row.dataset.id);
      replay(name, ids);
    });
    document.getElementById('pipelines').appendChild(section);
  }
  return section;
}

function set(section, selector, value) {
  section.querySelector(selector).textContent = value;
}

function rate(points) {
  if (points.length < 2) return 0;
  const a = points[points.length - 2], b = points[points.length - 1];
  return Math.max(0, (b.processed - a.processed) / ((b.t - a.t) / 1000));
}

function chart(section, points) {
  const rates = [], failures = [];
  for (let i = 1; i < points.length; i++) {
    const seconds = (points[i].t - points[i - 1].t) / 1000;
    rates.push(Math.max(0, (points[i].processed - points[i - 1].processed) / seconds));
    failures.push(Math.max(0, (points[i].errors - points[i - 1].errors) / seconds));
  }
  const top = Math.max(1, ...rates, ...failures);
  const line = values => values.map((v, i) => `${(i / (HISTORY - 1)) * 300},${58 - (v / top) * 56}`).join(' ');
  section.querySelector('polyline.written').setAttribute('points', line(rates));
  section.querySelector('polyline.failed').setAttribute('points', line(failures));
}

function render(report) {
  const section = card(report.name);
  const points = history.get(report.name) || [];
  points.push({ t: Date.now(), processed: report.records_processed, errors: report.errors });
  while (points.length > HISTORY) points.shift();
  history.set(report.name, points);

  const status = section.querySelector('.status');
  status.textContent = report.status;
  status.className = 'status ' + report.status;
  const problem = section.querySelector('.problem');
  problem.hidden = !report.problem;
  problem.textContent = report.problem || '';
  section.querySelector('.resume').hidden = !(report.problem && report.problem.startsWith('paused'));
  set(section, '.source', report.source || '');
  set(section, '.records-read', report.records_read);
  set(section, '.records-processed', report.records_processed);
  set(section, '.records-filtered', report.records_filtered);
  set(section, '.records-duplicate', report.records_duplicate);
  set(section, '.records-stale', report.records_stale);
  set(section, '.errors', report.errors);
  set(section, '.consumer-lag', report.consumer_lag ?? '–');
  set(section, '.rate', rate(points).toFixed(1));
  const reasons = Object.entries(report.batches_by_reason || {}).map(([r, n]) => `${n} by ${r}`).join(', ');
  set(section, '.batches', reasons ? `batches: ${reasons}; mean size ${report.mean_batch_size}` : 'no batch yet');
  chart(section, points);
  const last = deadLetterState.get(report.name);
  if (!last || (last.errors !== report.errors && Date.now() - last.at > DEAD_LETTERS_EVERY_MS)) {
    // remembered only once read, so a failed read is tried again at the next poll after the pause
    deadLetterState.set(report.name, { errors: last ? last.errors : undefined, at: Date.now() });
    deadLetters(report.name)
      .then(() => deadLetterState.set(report.name, { errors: report.errors, at: Date.now() }))
      .catch(error => say(`dead letters of ${report.name}: ${error.message}`, true));
  }
}

async function deadLetters(name) {
  const page = await api(`/pipelines/${encodeURIComponent(name)}/dead-letters?limit=10`);
  const section = card(name);
  set(section, '.dead-letter-count', page.open); // those no replay has written yet
  const body = section.querySelector('.dead-letters tbody');
  body.replaceChildren(...page.dead_letters.map(letter => {
    const row = document.createElement('tr');
    row.dataset.id = letter.id;
    // a dead letter Sluice did not seal is marked: a replay passes it by unless asked for it by name
    const reason = letter.verified === false ? `[unverified] ${letter.reason}` : letter.reason;
    const replays = letter.replay && letter.replay.replays > 1 ? ` (${letter.replay.replays} replays)` : '';
    for (const [cls, text] of [['time', letter.time], ['stage', letter.stage], ['reason', reason],
        ['record', letter.payload ?? letter.payload_base64 ?? ''],
        ['replay', letter.replay ? `${letter.replay.outcome}${letter.replay.reason ? ': ' + letter.replay.reason : ''}${replays}` : '']]) {
      const cell = document.createElement('td');
      cell.className = cls;
      cell.textContent = text;
      cell.title = text;
      row.appendChild(cell);
    }
    const action = document.createElement('td');
    const button = document.createElement('button');
    button.className = 'replay';
    button.textContent = 'Replay';
    button.addEventListener('click', () => replay(name, [letter.id]));
    action.appendChild(button);
    row.appendChild(action);
    return row;
  }));
  section.querySelector('.replay-all').hidden = page.dead_letters.length === 0;
}

async function act(name, action) {
  try {
    await api(`/pipelines/${encodeURIComponent(name)}/${action}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }
    });
    say(`${name}: ${action}d`);
  } catch (error) {
    say(`${name}: ${action} refused: ${error.message}`, true);
  }
}

async function replay(name, ids) {
  say(`${name}: replaying ${ids.length} dead letter(s)…`);
  try {
    const answer = await api(`/pipelines/${encodeURIComponent(name)}/dead-letters/replay`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ ids })
    });
    const outcomes = Object.entries(answer.outcomes).map(([o, n]) => `${n} ${o}`).join(', ');
    say(`${name}: replayed ${answer.replayed}: ${outcomes || 'nothing'}`);
  } catch (error) {
    say(`${name}: replay refused: ${error.message}`, true);
  }
  await deadLetters(name).catch(() => {});
}

async function tick() {
  try {
    const [pipelines, service] = await Promise.all([api('/pipelines'), api('/service')]);
    pipelines.forEach(render);
    const problems = Object.entries(service.problems);
    const state = document.getElementById('service');
    state.textContent = problems.length ? problems.map(([what, why]) => `${what}: ${why}`).join('; ') : 'all ready';
    state.className = problems.length ? 'bad' : 'ok';
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
  } catch (error) {
    say(`cannot read the service: ${error.message}`, true);
  }
}

tick();
setInterval(tick, POLL_MS);
