/* Passage search UI. One script for both the search page (/, with the URL as its state) and the
   embeddable widget (any page: <script src="…/widget.js"> plus <div data-passage-search>).
   Renders into a Shadow DOM, calls the JSON API next to this script, fetches nothing else. */
(() => {
  'use strict';

  const script = document.currentScript;
  const BASE = new URL('./', script && script.src ? script.src : location.href);
  const api = (path, params) => {
    const u = new URL(path, BASE);
    if (params) u.search = params.toString();
    return u.href;
  };
  const PAGE_SIZE = 10;
  const FACET_VISIBLE = 8;
  const SVG_NS = 'http://www.w3.org/2000/svg';

  // ---- UI text ---------------------------------------------------------------------------------
  const plural = (n, one, many) => (n === 1 ? one : many).replace('#', n.toLocaleString());
  const STRINGS = {
    en: {
      name: 'English', query: 'Search query', placeholder: 'Search migration-policy literature',
      search: 'Search', suggestions: 'Suggestions', uiLanguage: 'Language',
      results: (n) => plural(n, '# result', '# results'), noResults: 'No documents match.',
      loading: 'Searching…', error: 'The search failed: ',
      unreachable: 'The search service cannot be reached from this page, or it does not allow this site.',
      didYouMean: 'Did you mean', sort: 'Sort by', relevance: 'Relevance', date: 'Newest first',
      previous: 'Previous', next: 'Next', pageOf: (p, n) => `Page ${p} of ${n}`, pagination: 'Pages',
      filters: 'Filters', active: 'Active filters', remove: (f) => `Remove filter ${f}`,
      clearAll: 'Clear all filters', more: 'Show more', less: 'Show fewer',
      perYear: 'Results per year', yearBar: (y, c) => `${y}: ${plural(c, '# result', '# results')}`,
      exportAs: 'Export results:', atom: 'Atom feed', resultsHeading: 'Results',
      openAtPage: (p) => `open at page ${p}`, copies: (n) => plural(n, '+# copy', '+# copies'),
      facet: { kind: 'Kind', organisation: 'Organisation', language: 'Language', year: 'Year',
        source: 'Source', concept: 'Concept' },
    },
    de: {
      name: 'Deutsch', query: 'Suchanfrage', placeholder: 'Literatur zur Migrationspolitik durchsuchen',
      search: 'Suchen', suggestions: 'Vorschläge', uiLanguage: 'Sprache',
      results: (n) => plural(n, '# Treffer', '# Treffer'), noResults: 'Keine Dokumente gefunden.',
      loading: 'Suche läuft…', error: 'Die Suche ist fehlgeschlagen: ',
      unreachable: 'Der Suchdienst ist von dieser Seite aus nicht erreichbar oder lässt diese Website nicht zu.',
      didYouMean: 'Meinten Sie', sort: 'Sortieren nach', relevance: 'Relevanz', date: 'Neueste zuerst',
      previous: 'Zurück', next: 'Weiter', pageOf: (p, n) => `Seite ${p} von ${n}`, pagination: 'Seiten',
      filters: 'Filter', active: 'Aktive Filter', remove: (f) => `Filter ${f} entfernen`,
      clearAll: 'Alle Filter entfernen', more: 'Mehr anzeigen', less: 'Weniger anzeigen',
      perYear: 'Treffer pro Jahr', yearBar: (y, c) => `${y}: ${plural(c, '# Treffer', '# Treffer')}`,
      exportAs: 'Ergebnisse exportieren:', atom: 'Atom-Feed', resultsHeading: 'Ergebnisse',
      openAtPage: (p) => `auf Seite ${p} öffnen`, copies: (n) => plural(n, '+# Kopie', '+# Kopien'),
      facet: { kind: 'Art', organisation: 'Organisation', language: 'Sprache', year: 'Jahr',
        source: 'Quelle', concept: 'Konzept' },
    },
    fr: {
      name: 'Français', query: 'Recherche', placeholder: 'Rechercher dans la littérature sur les politiques migratoires',
      search: 'Rechercher', suggestions: 'Suggestions', uiLanguage: 'Langue',
      results: (n) => plural(n, '# résultat', '# résultats'), noResults: 'Aucun document ne correspond.',
      loading: 'Recherche…', error: 'La recherche a échoué : ',
      unreachable: 'Le service de recherche est injoignable depuis cette page ou n’autorise pas ce site.',
      didYouMean: 'Vouliez-vous dire', sort: 'Trier par', relevance: 'Pertinence', date: 'Plus récents',
      previous: 'Précédente', next: 'Suivante', pageOf: (p, n) => `Page ${p} sur ${n}`, pagination: 'Pages',
      filters: 'Filtres', active: 'Filtres actifs', remove: (f) => `Retirer le filtre ${f}`,
      clearAll: 'Retirer tous les filtres', more: 'Afficher plus', less: 'Afficher moins',
      perYear: 'Résultats par année', yearBar: (y, c) => `${y} : ${plural(c, '# résultat', '# résultats')}`,
      exportAs: 'Exporter les résultats :', atom: 'Flux Atom', resultsHeading: 'Résultats',
      openAtPage: (p) => `ouvrir à la page ${p}`, copies: (n) => plural(n, '+# copie', '+# copies'),
      facet: { kind: 'Type', organisation: 'Organisation', language: 'Langue', year: 'Année',
        source: 'Source', concept: 'Concept' },
    },
  };
  const pickLocale = (wanted) => {
    for (const tag of wanted) {
      const base = String(tag || '').toLowerCase().split('-')[0];
      if (STRINGS[base]) return base;
    }
    return 'en';
  };

  // ---- Small DOM helpers -----------------------------------------------------------------------
  const h = (tag, attrs, ...children) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
    return el;
  };
  const svg = (tag, attrs) => {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    return el;
  };
  // The API's snippets are HTML-escaped text with <mark>…</mark>: rebuild them as nodes, never as
  // markup, so nothing else in them can become an element.
  const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  const decode = (s) => s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
  const snippetNodes = (html) => {
    const out = [];
    let marked = false;
    for (const part of String(html || '').split(/(<mark>|<\/mark>)/)) {
      if (part === '<mark>') marked = true;
      else if (part === '</mark>') marked = false;
      else if (part) out.push(marked ? h('mark', { text: decode(part) }) : document.createTextNode(decode(part)));
    }
    return out;
  };
  let uid = 0;

  // ---- State <-> query string (the API's own parameter names) ---------------------------------
  const emptyState = () => ({ q: '', filters: [], page: 1, sort: 'relevance' });
  const stateFromParams = (params) => ({
    q: params.get('q') || '',
    filters: params.getAll('filter').filter(Boolean),
    page: Math.max(1, parseInt(params.get('page') || '1', 10) || 1),
    sort: params.get('sort') === 'date' ? 'date' : 'relevance',
  });
  const stateParams = (state) => {
    const p = new URLSearchParams();
    if (state.q) p.set('q', state.q);
    for (const f of state.filters) p.append('filter', f);
    if (state.page > 1) p.set('page', String(state.page));
    if (state.sort !== 'relevance') p.set('sort', state.sort);
    return p;
  };
  const splitFilter = (f) => {
    const i = f.indexOf(':');
    return i < 0 ? [f, ''] : [f.slice(0, i), f.slice(i + 1)];
  };
  const FACET_ALIASES = { org: 'organisation', organization: 'organisation', lang: 'language' };

  // ---- One search UI in one element ------------------------------------------------------------
  class PassageSearch {
    constructor(host, options) {
      this.host = host;
      this.pageMode = options.mode === 'page';
      this.fixedFilters = options.fixedFilters;
      this.locale = pickLocale([options.locale, ...(navigator.languages || [navigator.language])]);
      this.state = emptyState();
      this.expanded = new Set();
      this.request = 0;
      this.canExport = false;
      this.root = host.shadowRoot || host.attachShadow({ mode: 'open' });
      this.build();
      if (this.pageMode) {
        this.state = stateFromParams(new URLSearchParams(location.search));
        const hl = new URLSearchParams(location.search).get('hl');
        if (hl && STRINGS[hl]) this.locale = hl;
        addEventListener('popstate', () => {
          this.state = stateFromParams(new URLSearchParams(location.search));
          this.run(false);
        });
        this.detectExports();
      }
      this.applyLocale();
      this.run(false);
    }

    get t() { return STRINGS[this.locale]; }

    build() {
      const id = (name) => `passage-${++uid}-${name}`;
      this.ids = { q: id('q'), list: id('list'), sort: id('sort'), hl: id('hl'), status: id('status') };
      this.input = h('input', {
        id: this.ids.q, type: 'search', name: 'q', role: 'combobox', autocomplete: 'off',
        spellcheck: 'false', 'aria-autocomplete': 'list', 'aria-expanded': 'false',
        'aria-controls': this.ids.list, maxlength: '1024',
      });
      this.list = h('ul', { id: this.ids.list, role: 'listbox', class: 'suggestions', hidden: true });
      this.qLabel = h('label', { for: this.ids.q, class: 'sr-only' });
      this.searchButton = h('button', { type: 'submit', class: 'primary' });
      this.form = h('form', { role: 'search', class: 'form' }, this.qLabel,
        h('div', { class: 'combo' }, this.input, this.list), this.searchButton);

      this.hlLabel = h('label', { for: this.ids.hl });
      this.hl = h('select', { id: this.ids.hl },
        Object.entries(STRINGS).map(([code, s]) => h('option', { value: code, lang: code, text: s.name })));
      const langSwitch = this.pageMode ? h('div', { class: 'ui-lang' }, this.hlLabel, this.hl) : null;

      this.dym = h('p', { class: 'dym', hidden: true });
      this.facetsBox = h('div', { class: 'facet-list' });
      this.facetsHeading = h('h2', { class: 'sr-only' });
      this.aside = h('aside', { class: 'facets' }, this.facetsHeading, this.facetsBox);
      this.status = h('p', { id: this.ids.status, class: 'status', role: 'status', 'aria-live': 'polite' });
      this.sortLabel = h('label', { for: this.ids.sort });
      this.sort = h('select', { id: this.ids.sort },
        h('option', { value: 'relevance' }), h('option', { value: 'date' }));
      this.exports = h('p', { class: 'exports', hidden: true });
      this.active = h('div', { class: 'active' });
      this.histCaption = h('figcaption');
      this.histSvg = svg('svg', { class: 'bars', role: 'group', preserveAspectRatio: 'none' });
      this.histAxis = h('div', { class: 'axis' });
      this.hist = h('figure', { class: 'hist', hidden: true }, this.histCaption, this.histSvg, this.histAxis);
      this.resultsHeading = h('h2', { class: 'sr-only' });
      this.results = h('ol', { class: 'results' });
      this.pager = h('nav', { class: 'pager', hidden: true });
      this.error = h('p', { class: 'error', role: 'alert', hidden: true });

      this.root.replaceChildren(
        h('link', { rel: 'stylesheet', href: api('passage.css') }),
        h('div', { class: `passage ${this.pageMode ? 'page' : 'widget'}` },
          h('div', { class: 'top' }, this.form, langSwitch),
          this.dym,
          h('div', { class: 'layout' }, this.aside,
            h('section', { class: 'main' },
              h('div', { class: 'toolbar' }, this.status, h('div', { class: 'sort' }, this.sortLabel, this.sort)),
              this.error, this.active, this.hist, this.resultsHeading, this.results, this.pager, this.exports))));

      this.form.addEventListener('submit', (e) => {
        e.preventDefault();
        this.closeSuggestions();
        this.update({ q: this.input.value.trim(), page: 1 });
      });
      this.sort.addEventListener('change', () => this.update({ sort: this.sort.value, page: 1 }));
      this.hl.addEventListener('change', () => {
        this.locale = this.hl.value;
        this.applyLocale();
        if (this.last) this.render(this.last);
        if (this.pageMode) {
          const u = new URL(location.href);
          u.searchParams.set('hl', this.locale);
          history.replaceState(null, '', u);
        }
      });
      this.setupSuggestions();
    }

    applyLocale() {
      const t = this.t;
      this.root.querySelector('.passage').setAttribute('lang', this.locale);
      if (this.pageMode) {
        document.documentElement.lang = this.locale;
        this.hlLabel.textContent = t.uiLanguage;
        this.hl.value = this.locale;
      }
      this.qLabel.textContent = t.query;
      this.input.placeholder = t.placeholder;
      this.list.setAttribute('aria-label', t.suggestions);
      this.searchButton.textContent = t.search;
      this.sortLabel.textContent = t.sort;
      this.sort.options[0].textContent = t.relevance;
      this.sort.options[1].textContent = t.date;
      this.aside.setAttribute('aria-label', t.filters);
      this.facetsHeading.textContent = t.filters;
      this.resultsHeading.textContent = t.resultsHeading;
      this.histCaption.textContent = t.perYear;
      this.histSvg.setAttribute('aria-label', t.perYear);
      this.pager.setAttribute('aria-label', t.pagination);
    }

    // ---- Searching ---------------------------------------------------------------------------
    update(change) {
      this.state = { ...this.state, ...change };
      this.run(true);
    }

    async run(push) {
      const state = this.state;
      if (this.pageMode && push) {
        const p = stateParams(state);
        const hl = new URLSearchParams(location.search).get('hl');
        if (hl) p.set('hl', hl);
        const qs = p.toString();
        history.pushState(null, '', qs ? `?${qs}` : location.pathname);
      }
      this.input.value = state.q;
      this.sort.value = state.sort;
      const params = stateParams(state);
      for (const f of this.fixedFilters) params.append('filter', f);
      params.set('size', String(PAGE_SIZE));
      const n = ++this.request;
      this.status.textContent = this.t.loading;
      this.host.setAttribute('aria-busy', 'true');
      this.host.dataset.state = 'loading';
      let data;
      try {
        const res = await fetch(api('api/search', params), { headers: { Accept: 'application/json' } });
        const body = await res.json().catch(() => null);
        if (n !== this.request) return;
        if (!res.ok) throw new Error((body && body.error && body.error.message) || `HTTP ${res.status}`);
        data = body;
      } catch (e) {
        if (n !== this.request) return;
        this.last = null;
        this.showError(e instanceof TypeError ? this.t.unreachable : this.t.error + e.message);
        return;
      } finally {
        if (n === this.request) this.host.removeAttribute('aria-busy');
      }
      this.last = data;
      this.render(data);
    }

    showError(message) {
      this.error.textContent = message;
      this.error.hidden = false;
      this.status.textContent = '';
      this.results.replaceChildren();
      this.facetsBox.replaceChildren();
      this.active.replaceChildren();
      this.hist.hidden = true;
      this.pager.hidden = true;
      this.exports.hidden = true;
      this.dym.hidden = true;
      this.host.dataset.state = 'error';
    }

    async detectExports() {
      try {
        const res = await fetch(api('api/search', new URLSearchParams({ q: 'x', size: '1', format: 'csv' })), { method: 'HEAD' });
        this.canExport = res.ok;
      } catch (e) {
        this.canExport = false;
      }
      if (this.last) this.renderExports();
    }

    // ---- Rendering ---------------------------------------------------------------------------
    render(data) {
      const t = this.t;
      this.error.hidden = true;
      this.status.textContent = data.total === 0 ? t.noResults : t.results(data.total);
      this.renderDidYouMean(data);
      this.renderActive();
      this.renderFacets(data);
      this.renderHistogram(data);
      this.renderResults(data);
      this.renderPager(data);
      this.renderExports();
      this.host.dataset.state = 'ready';
    }

    renderDidYouMean(data) {
      const s = data.did_you_mean;
      this.dym.hidden = !s;
      if (!s) return this.dym.replaceChildren();
      const a = h('a', { href: this.pageMode ? `?${stateParams({ ...this.state, q: s, page: 1 })}` : '#', text: s });
      a.addEventListener('click', (e) => { e.preventDefault(); this.update({ q: s, page: 1 }); });
      this.dym.replaceChildren(`${this.t.didYouMean} `, a, '?');
    }

    facetLabel(name) { return this.t.facet[name] || name.charAt(0).toUpperCase() + name.slice(1); }

    valueLabel(facet, value) {
      if (facet === 'language' && typeof Intl.DisplayNames === 'function') {
        try {
          const n = new Intl.DisplayNames([this.locale], { type: 'language' }).of(value);
          if (n && n !== value) return n;
        } catch (e) { /* not a language code */ }
      }
      return value;
    }

    toggleFilter(filter) {
      const has = this.state.filters.includes(filter);
      const filters = has ? this.state.filters.filter((f) => f !== filter) : [...this.state.filters, filter];
      this.update({ filters, page: 1 });
    }

    renderActive() {
      const t = this.t;
      const chips = this.state.filters.map((f) => {
        const [name, value] = splitFilter(f);
        const label = `${this.facetLabel(name)}: ${this.valueLabel(name, value)}`;
        return h('li', {}, h('button', { type: 'button', class: 'chip', 'aria-label': t.remove(label),
          onclick: () => this.toggleFilter(f) }, label, h('span', { 'aria-hidden': 'true', text: ' ×' })));
      });
      if (chips.length > 1) {
        chips.push(h('li', {}, h('button', { type: 'button', class: 'link', text: t.clearAll,
          onclick: () => this.update({ filters: [], page: 1 }) })));
      }
      this.active.replaceChildren(chips.length ? h('ul', { 'aria-label': t.active }, chips) : '');
    }

    renderFacets(data) {
      const t = this.t;
      const fixed = new Set(this.fixedFilters.map((f) => {
        const name = splitFilter(f)[0].toLowerCase();
        return FACET_ALIASES[name] || name;
      }));
      const boxes = [];
      for (const [name, values] of Object.entries(data.facets || {})) {
        if (name === 'year' || fixed.has(name)) continue;  // years: the histogram
        const selected = this.state.filters.filter((f) => splitFilter(f)[0] === name).map((f) => splitFilter(f)[1]);
        const list = values.slice();
        for (const v of selected) if (!list.some((x) => x.value === v)) list.push({ value: v, count: 0 });
        if (!list.length) continue;
        const open = this.expanded.has(name);
        const shown = open ? list : list.filter((v, i) => i < FACET_VISIBLE || selected.includes(v.value));
        const items = shown.map((v) => {
          const filter = `${name}:${v.value}`;
          const box = h('input', { type: 'checkbox', checked: selected.includes(v.value),
            'data-filter': filter, onchange: () => this.toggleFilter(filter) });
          return h('li', {}, h('label', {}, box, h('span', { class: 'value', text: this.valueLabel(name, v.value) }),
            h('span', { class: 'count', text: v.count.toLocaleString(this.locale) })));
        });
        const more = list.length > FACET_VISIBLE ? h('button', { type: 'button', class: 'link',
          'aria-expanded': String(open), text: open ? t.less : t.more,
          onclick: () => { open ? this.expanded.delete(name) : this.expanded.add(name); this.renderFacets(this.last); } }) : null;
        boxes.push(h('fieldset', { class: 'facet', 'data-facet': name },
          h('legend', { text: this.facetLabel(name) }), h('ul', {}, items), more));
      }
      // Keep keyboard focus on the same checkbox across re-renders.
      const focused = this.root.activeElement && this.root.activeElement.getAttribute('data-filter');
      this.facetsBox.replaceChildren(...boxes);
      if (focused) {
        const again = [...this.facetsBox.querySelectorAll('input')].find((i) => i.dataset.filter === focused);
        if (again) again.focus();
      }
    }

    renderHistogram(data) {
      const t = this.t;
      // year_histogram when the API sends it; the year facet counts the same documents otherwise.
      let rows = Array.isArray(data.year_histogram) ? data.year_histogram
        : ((data.facets && data.facets.year) || []).map((v) => ({ year: Number(v.value), count: v.count }));
      rows = rows.filter((r) => Number.isInteger(r.year) && r.count > 0).sort((a, b) => a.year - b.year);
      const focusedYear = this.root.activeElement && this.root.activeElement.getAttribute('data-year');
      this.histSvg.replaceChildren();
      if (!rows.length) { this.hist.hidden = true; return; }
      this.hist.hidden = false;
      const first = rows[0].year;
      const last = rows[rows.length - 1].year;
      const counts = new Map(rows.map((r) => [r.year, r.count]));
      const years = last - first <= 80 ? Array.from({ length: last - first + 1 }, (_, i) => first + i) : rows.map((r) => r.year);
      const max = Math.max(...rows.map((r) => r.count));
      const W = 20, GAP = 4, H = 60;
      this.histSvg.setAttribute('viewBox', `0 0 ${years.length * W} ${H}`);
      const selected = new Set(this.state.filters.filter((f) => splitFilter(f)[0] === 'year').map((f) => splitFilter(f)[1]));
      years.forEach((year, i) => {
        const count = counts.get(year) || 0;
        if (!count) return;
        const height = Math.max(2, Math.round((count / max) * (H - 2)));
        const label = t.yearBar(year, count);
        const on = selected.has(String(year));
        const bar = svg('rect', { x: i * W + GAP / 2, y: H - height, width: W - GAP, height,
          class: on ? 'bar selected' : 'bar', tabindex: '0', role: 'button', 'aria-pressed': String(on),
          'aria-label': label, 'data-year': String(year) });
        const title = svg('title');
        title.textContent = label;
        bar.append(title);
        const pick = () => this.toggleFilter(`year:${year}`);
        bar.addEventListener('click', pick);
        bar.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); }
        });
        this.histSvg.append(bar);
      });
      this.histAxis.replaceChildren(h('span', { text: String(first) }), h('span', { text: String(last) }));
      if (focusedYear) {
        const again = this.histSvg.querySelector(`[data-year="${focusedYear}"]`);
        if (again) again.focus();
      }
    }

    documentLink(hit) {
      const local = !/^https?:\/\//i.test(hit.url || '');
      const base = local ? api(`api/documents/${encodeURIComponent(hit.id)}/file`) : hit.url;
      return hit.page ? `${base}#page=${hit.page}` : base;
    }

    renderResults(data) {
      const t = this.t;
      const items = (data.results || []).map((hit) => {
        const meta = [];
        if (hit.authors && hit.authors.length) meta.push(h('span', { class: 'authors', text: hit.authors.join('; ') }));
        if (hit.organisation) meta.push(h('span', { class: 'org', text: hit.organisation }));
        if (hit.kind) meta.push(h('span', { class: 'kind', text: hit.kind }));
        if (hit.language) meta.push(h('span', { class: 'lang', lang: hit.language, text: this.valueLabel('language', hit.language) }));
        if (hit.year) meta.push(h('span', { class: 'year', text: String(hit.year) }));
        if (hit.duplicates) meta.push(h('span', { class: 'copies', text: t.copies(hit.duplicates) }));
        const href = this.documentLink(hit);
        return h('li', { class: 'hit', 'data-id': hit.id },
          h('h3', {}, h('a', { class: 'title', href, target: '_blank', rel: 'noopener', lang: hit.language || false,
            text: hit.title || hit.id })),
          h('p', { class: 'meta' }, meta),
          h('p', { class: 'snippet', lang: hit.language || false }, snippetNodes(hit.snippet)),
          hit.page ? h('p', { class: 'open' }, h('a', { class: 'at-page', href, target: '_blank', rel: 'noopener',
            text: t.openAtPage(hit.page) })) : null);
      });
      this.results.setAttribute('start', String((data.page - 1) * data.size + 1));
      this.results.replaceChildren(...items);
    }

    renderPager(data) {
      const t = this.t;
      const pages = Math.max(1, Math.ceil(Math.min(data.total, 10000) / PAGE_SIZE));
      this.pager.hidden = pages <= 1;
      if (pages <= 1) return this.pager.replaceChildren();
      const page = this.state.page;
      const go = (p) => () => { this.update({ page: p }); this.resultsHeading.scrollIntoView({ block: 'nearest' }); };
      this.pager.replaceChildren(
        h('button', { type: 'button', class: 'prev', disabled: page <= 1, text: t.previous, onclick: go(page - 1) }),
        h('span', { class: 'where', 'aria-current': 'page', text: t.pageOf(page, pages) }),
        h('button', { type: 'button', class: 'next', disabled: page >= pages, text: t.next, onclick: go(page + 1) }));
    }

    renderExports() {
      const t = this.t;
      this.exports.hidden = !this.canExport;
      if (!this.canExport) return this.exports.replaceChildren();
      const link = (format, label, download) => {
        const p = stateParams({ ...this.state, page: 1 });
        for (const f of this.fixedFilters) p.append('filter', f);
        p.set('format', format);
        return h('a', { href: api('api/search', p), class: `export ${format}`, download, type: format === 'atom' ? 'application/atom+xml' : false, text: label });
      };
      this.exports.replaceChildren(t.exportAs, ' ', link('bibtex', 'BibTeX', true), ' ', link('ris', 'RIS', true), ' ',
        link('csv', 'CSV', true), ' ', link('atom', t.atom, false));
    }

    // ---- Autocomplete (WAI-ARIA combobox with a listbox popup) -------------------------------
    setupSuggestions() {
      this.suggestTimer = 0;
      this.suggestSeq = 0;
      this.active_ = -1;
      this.input.addEventListener('input', () => {
        const value = this.input.value;
        if (value.trim().length < 2) return this.closeSuggestions();
        clearTimeout(this.suggestTimer);
        this.suggestTimer = setTimeout(async () => {
          const n = ++this.suggestSeq;
          try {
            const res = await fetch(api('api/suggest', new URLSearchParams({ q: value, size: '8' })));
            if (!res.ok || n !== this.suggestSeq) return;
            const body = await res.json();
            if (n === this.suggestSeq && this.input.value === value) this.showSuggestions(body.suggestions || []);
          } catch (e) { /* suggestions are optional */ }
        }, 120);
      });
      this.input.addEventListener('keydown', (e) => {
        const open = !this.list.hidden;
        const count = this.list.children.length;
        if (e.key === 'ArrowDown' && open) { e.preventDefault(); this.moveSuggestion((this.active_ + 1) % count); }
        else if (e.key === 'ArrowUp' && open) { e.preventDefault(); this.moveSuggestion((this.active_ - 1 + count) % count); }
        else if (e.key === 'Escape' && open) { e.preventDefault(); this.closeSuggestions(); }
        else if (e.key === 'Enter' && open && this.active_ >= 0) {
          e.preventDefault();
          this.list.children[this.active_].dispatchEvent(new Event('pick'));
        }
      });
      this.input.addEventListener('blur', () => setTimeout(() => this.closeSuggestions(), 150));
    }

    showSuggestions(items) {
      if (!items.length) {
        this.list.hidden = true;
        this.list.replaceChildren();
        this.input.setAttribute('aria-expanded', 'false');
        return;
      }
      this.active_ = -1;
      const idBase = `${this.ids.list}-`;
      this.list.replaceChildren(...items.map((s, i) => {
        const li = h('li', { id: idBase + i, role: 'option', 'aria-selected': 'false', class: s.kind },
          h('span', { text: s.text }), h('span', { class: 'count', text: String(s.documents) }));
        const pick = () => {
          let q;
          if (s.kind === 'title') {
            q = `"${s.text.replace(/"/g, ' ')}"`;
          } else {
            const words = this.input.value.replace(/\s+$/, '').split(/(\s+)/);
            words[words.length - 1] = s.text;
            q = words.join('');
          }
          this.closeSuggestions();
          this.update({ q, page: 1 });
        };
        li.addEventListener('pick', pick);
        li.addEventListener('mousedown', (e) => { e.preventDefault(); pick(); });
        return li;
      }));
      this.list.hidden = false;
      this.input.setAttribute('aria-expanded', 'true');
    }

    moveSuggestion(i) {
      [...this.list.children].forEach((li, j) => li.setAttribute('aria-selected', String(i === j)));
      this.active_ = i;
      this.input.setAttribute('aria-activedescendant', this.list.children[i].id);
    }

    closeSuggestions() {
      // Also drop a pending or in-flight request, so a late answer does not reopen the list.
      clearTimeout(this.suggestTimer);
      this.suggestSeq++;
      this.list.hidden = true;
      this.list.replaceChildren();
      this.active_ = -1;
      this.input.setAttribute('aria-expanded', 'false');
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  // ---- Mounting ----------------------------------------------------------------------------------
  const mount = (el, options = {}) => {
    if (el.passageSearch) return el.passageSearch;
    const d = el.dataset;
    const fixed = (options.filter ?? d.filter ?? '').split(';').map((s) => s.trim()).filter(Boolean);
    const lang = options.lang ?? d.lang;
    if (lang) fixed.push(`language:${lang}`);
    el.passageSearch = new PassageSearch(el, {
      mode: options.mode ?? d.mode, locale: options.locale ?? d.locale, fixedFilters: fixed,
    });
    return el.passageSearch;
  };
  const mountAll = () => document.querySelectorAll('[data-passage-search]').forEach((el) => mount(el));
  window.PassageSearch = { mount };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', mountAll);
  else mountAll();
})();
