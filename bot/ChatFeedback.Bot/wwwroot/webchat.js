/*
 * ChatFeedback web chat: a dependency-free widget that mounts into <div id="chatfeedback">.
 *
 *   <div id="chatfeedback" data-api-base="https://feedback.example.com"></div>
 *   <script src="https://feedback.example.com/webchat.js" defer></script>
 *
 * data-api-base   where the service runs (default: this page's origin)
 * data-locale     "en" or "zh-CN" (default: the stored choice, else navigator.language)
 * data-title      header title (default: localised "Customer care")
 *
 * The stylesheet next to this script is added automatically when the page has not linked it.
 * Protocol: adapters/ChatFeedback.Adapters.WebChat/README.md.
 */
(function () {
  'use strict';

  var STRINGS = {
    en: {
      title: 'Customer care',
      subtitle: 'We usually reply right away',
      placeholder: 'Type a message…',
      placeholderAnswer: 'Type your answer…',
      send: 'Send',
      skip: 'Skip',
      newConversation: 'Start a new conversation',
      language: 'Language',
      log: 'Conversation',
      you: 'You',
      assistant: 'Assistant',
      typing: 'Assistant is typing',
      connecting: 'Connecting…',
      reconnecting: 'Connection lost. Reconnecting…',
      offline: 'You are offline. Messages will be sent when you are back.',
      notSent: 'Not sent. Tap to retry.',
      sending: 'Sending…',
      expired: 'That conversation has ended, so we started a new one.',
      startFailed: 'We couldn’t start the chat. Please try again in a moment.',
      retry: 'Try again',
      tooLong: 'That message is too long.',
      skipped: 'Skipped',
      options: 'Answer options',
    },
    'zh-CN': {
      title: '客户服务',
      subtitle: '通常会立即回复',
      placeholder: '输入消息…',
      placeholderAnswer: '输入您的回答…',
      send: '发送',
      skip: '跳过',
      newConversation: '开始新的对话',
      language: '语言',
      log: '对话内容',
      you: '您',
      assistant: '客服助手',
      typing: '客服助手正在输入',
      connecting: '正在连接…',
      reconnecting: '连接已断开，正在重新连接…',
      offline: '您当前处于离线状态，恢复网络后将自动发送消息。',
      notSent: '发送失败，点击重试。',
      sending: '正在发送…',
      expired: '之前的对话已结束，已为您开始新的对话。',
      startFailed: '暂时无法开始对话，请稍后再试。',
      retry: '重试',
      tooLong: '消息太长了。',
      skipped: '已跳过',
      options: '回答选项',
    },
  };

  var LOCALES = [
    { code: 'en', label: 'EN', name: 'English' },
    { code: 'zh-CN', label: '中文', name: '简体中文' },
  ];

  var SKIP_COMMAND = '/skip'; // a global command in every language (dialogs/flows/global.yaml)
  var MAX_TEXT = 4000; // WebChat:MaxTextLength default; the server has the final word
  var POLL_VISIBLE_MS = 2000;
  var POLL_HIDDEN_MS = 10000;
  var TYPING_TIMEOUT_MS = 15000;
  var MAX_STORED_OUTGOING = 300;

  function pickLocale(tag) {
    return /^zh/i.test(tag || '') ? 'zh-CN' : 'en';
  }

  function newId() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join('');
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === null || value === undefined || value === false) return;
        if (key === 'className') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'html') node.innerHTML = value; // only for the static icons below
        else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : value);
      });
    }
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  var ICONS = {
    send: '<svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path fill="currentColor" d="M3.4 20.4 21.85 12.4a.5.5 0 0 0 0-.9L3.4 3.5a.5.5 0 0 0-.7.56L4.5 11l8.5 1-8.5 1-1.8 6.9a.5.5 0 0 0 .7.5Z"/></svg>',
    restart: '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" d="M3 12a9 9 0 1 0 3-6.7M3 4v5h5"/></svg>',
    avatar: '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 3C6.5 3 2 6.9 2 11.7c0 2.6 1.3 4.9 3.4 6.5L4.6 21a.5.5 0 0 0 .7.6l3.6-1.8c1 .3 2 .4 3.1.4 5.5 0 10-3.9 10-8.6S17.5 3 12 3Zm-4 10a1.3 1.3 0 1 1 0-2.6A1.3 1.3 0 0 1 8 13Zm4 0a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6Zm4 0a1.3 1.3 0 1 1 0-2.6 1.3 1.3 0 0 1 0 2.6Z"/></svg>',
    check: '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false"><path fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" d="m5 12.5 4.5 4.5L19 7.5"/></svg>',
  };

  function ensureStylesheet(scriptSrc) {
    if (!scriptSrc) return;
    var href = scriptSrc.replace(/webchat\.js(\?.*)?$/, 'webchat.css');
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      if (/webchat\.css(\?.*)?$/.test(links[i].href)) return;
    }
    document.head.appendChild(el('link', { rel: 'stylesheet', href: href }));
  }

  function ChatWidget(root) {
    this.root = root;
    this.apiBase = (root.getAttribute('data-api-base') || '').replace(/\/+$/, '');
    this.storageKey = 'chatfeedback.webchat:' + (this.apiBase || window.location.origin);
    this.customTitle = root.getAttribute('data-title');
    this.messages = []; // outbound messages from the service, by seq
    this.renderedSeqs = {};
    this.userNodes = {};
    this.lastSeq = 0;
    this.events = null;
    this.pollTimer = null;
    this.typingTimer = null;
    this.generation = 0; // bumps when a new conversation starts, so late answers of the old one are dropped
    this.session = this.load();
    var stored = this.session && this.session.locale;
    this.locale = pickLocale(root.getAttribute('data-locale') || stored || navigator.language || 'en');
    this.build();
  }

  ChatWidget.prototype.t = function (key) {
    return (STRINGS[this.locale] || STRINGS.en)[key];
  };

  /* ---------- storage ---------- */

  ChatWidget.prototype.load = function () {
    try {
      var raw = window.localStorage.getItem(this.storageKey);
      var parsed = raw ? JSON.parse(raw) : null;
      return parsed && parsed.conversationId && parsed.token ? parsed : null;
    } catch (e) {
      return null;
    }
  };

  ChatWidget.prototype.save = function () {
    if (!this.session) return;
    if (this.session.outgoing.length > MAX_STORED_OUTGOING) {
      this.session.outgoing = this.session.outgoing.slice(-MAX_STORED_OUTGOING);
    }
    try {
      window.localStorage.setItem(this.storageKey, JSON.stringify(this.session));
    } catch (e) {
      /* private mode or full: the chat still works, it just won't resume */
    }
  };

  /* ---------- layout ---------- */

  ChatWidget.prototype.build = function () {
    var self = this;
    this.root.textContent = '';
    this.root.classList.add('cf-host');

    this.titleEl = el('h1', { className: 'cf-title', 'data-testid': 'chat-title' });
    this.subtitleEl = el('p', { className: 'cf-subtitle' }, [el('span', { className: 'cf-dot', 'aria-hidden': 'true' })]);
    this.subtitleText = document.createTextNode('');
    this.subtitleEl.appendChild(this.subtitleText);

    this.localeButtons = {};
    var switcher = el('div', { className: 'cf-locale', role: 'group', 'data-testid': 'locale-switch' });
    LOCALES.forEach(function (loc) {
      var button = el('button', {
        type: 'button',
        className: 'cf-locale-button',
        lang: loc.code,
        title: loc.name,
        'data-testid': 'locale-' + loc.code,
        text: loc.label,
        onclick: function () { self.switchLocale(loc.code); },
      });
      self.localeButtons[loc.code] = button;
      switcher.appendChild(button);
    });
    this.switcher = switcher;

    this.restartButton = el('button', {
      type: 'button',
      className: 'cf-icon-button',
      'data-testid': 'new-conversation',
      html: ICONS.restart,
      onclick: function () { self.startConversation(self.locale); },
    });

    var header = el('header', { className: 'cf-header' }, [
      el('div', { className: 'cf-avatar', 'aria-hidden': 'true', html: ICONS.avatar }),
      el('div', { className: 'cf-heading' }, [this.titleEl, this.subtitleEl]),
      switcher,
      this.restartButton,
    ]);

    this.statusEl = el('div', { className: 'cf-status', role: 'status', 'data-testid': 'connection-status', hidden: true });
    this.noticeEl = el('div', { className: 'cf-notice', role: 'alert', 'data-testid': 'notice', hidden: true });

    this.logEl = el('div', {
      className: 'cf-log',
      role: 'log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      tabindex: '0',
      'data-testid': 'chat-log',
    });
    this.typingEl = el('div', { className: 'cf-typing', 'data-testid': 'typing', hidden: true }, [
      el('span'), el('span'), el('span'),
    ]);
    this.scroller = el('div', { className: 'cf-scroller' }, [this.logEl, this.typingEl]);

    this.input = el('textarea', {
      className: 'cf-input',
      rows: '1',
      maxlength: String(MAX_TEXT),
      enterkeyhint: 'send',
      autocomplete: 'off',
      'data-testid': 'composer-input',
    });
    this.input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
        e.preventDefault();
        self.sendTyped();
      }
    });
    this.input.addEventListener('input', function () { self.autosize(); self.updateSendState(); });

    this.sendButton = el('button', {
      type: 'submit',
      className: 'cf-send',
      'data-testid': 'composer-send',
      html: ICONS.send,
    });
    this.composer = el('form', { className: 'cf-composer', 'data-testid': 'composer' }, [this.input, this.sendButton]);
    this.composer.addEventListener('submit', function (e) { e.preventDefault(); self.sendTyped(); });

    this.panel = el('section', { className: 'cf-chat', 'data-testid': 'chat' }, [
      header, this.statusEl, this.noticeEl, this.scroller, this.composer,
    ]);
    this.root.appendChild(this.panel);

    window.addEventListener('online', function () { self.setStatus(null); self.flushPending(); self.connect(); });
    window.addEventListener('offline', function () { self.setStatus('offline'); });
    document.addEventListener('visibilitychange', function () {
      if (!document.hidden && self.session) self.fetchMessages();
    });

    this.applyLocale();
    this.updateSendState();
  };

  ChatWidget.prototype.applyLocale = function () {
    var self = this;
    this.panel.setAttribute('lang', this.locale);
    this.panel.setAttribute('aria-label', this.customTitle || this.t('title'));
    this.titleEl.textContent = this.customTitle || this.t('title');
    this.subtitleText.textContent = this.t('subtitle');
    this.switcher.setAttribute('aria-label', this.t('language'));
    Object.keys(this.localeButtons).forEach(function (code) {
      self.localeButtons[code].setAttribute('aria-pressed', code === self.locale ? 'true' : 'false');
    });
    this.restartButton.setAttribute('aria-label', this.t('newConversation'));
    this.restartButton.title = this.t('newConversation');
    this.logEl.setAttribute('aria-label', this.t('log'));
    this.typingEl.setAttribute('aria-label', this.t('typing'));
    this.sendButton.setAttribute('aria-label', this.t('send'));
    this.sendButton.title = this.t('send');
    this.input.setAttribute('aria-label', this.t('placeholder'));
    this.updatePlaceholder();
  };

  ChatWidget.prototype.autosize = function () {
    this.input.style.height = 'auto';
    this.input.style.height = Math.min(this.input.scrollHeight, 140) + 'px';
  };

  ChatWidget.prototype.updateSendState = function () {
    this.sendButton.disabled = this.input.value.trim().length === 0;
  };

  ChatWidget.prototype.setStatus = function (key) {
    if (!key) {
      this.statusEl.hidden = true;
      this.statusEl.textContent = '';
      return;
    }
    this.statusEl.hidden = false;
    this.statusEl.textContent = this.t(key);
    this.statusEl.setAttribute('data-status', key);
  };

  ChatWidget.prototype.notice = function (key, retry) {
    var self = this;
    if (!key) {
      this.noticeEl.hidden = true;
      this.noticeEl.textContent = '';
      return;
    }
    this.noticeEl.hidden = false;
    this.noticeEl.textContent = this.t(key);
    if (retry) {
      this.noticeEl.appendChild(el('button', {
        type: 'button', className: 'cf-link-button', text: this.t('retry'),
        onclick: function () { self.notice(null); retry(); },
      }));
    }
  };

  ChatWidget.prototype.scrollToEnd = function () {
    var scroller = this.scroller;
    window.requestAnimationFrame(function () { scroller.scrollTop = scroller.scrollHeight; });
  };

  /* ---------- HTTP ---------- */

  ChatWidget.prototype.url = function (path) {
    return this.apiBase + '/api/webchat' + path;
  };

  ChatWidget.prototype.request = function (method, path, body, token) {
    var headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = 'Bearer ' + token;
    return fetch(this.url(path), {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    }).then(function (response) {
      var type = response.headers.get('Content-Type') || '';
      var parse = /json/.test(type) ? response.json().catch(function () { return null; }) : Promise.resolve(null);
      return parse.then(function (data) { return { status: response.status, ok: response.ok, data: data }; });
    });
  };

  /* ---------- conversation lifecycle ---------- */

  ChatWidget.prototype.start = function () {
    if (this.session && this.session.locale === this.locale) {
      this.resume();
    } else {
      this.startConversation(this.locale);
    }
  };

  ChatWidget.prototype.resetView = function () {
    this.disconnect();
    this.messages = [];
    this.renderedSeqs = {};
    this.userNodes = {};
    this.lastSeq = 0;
    this.logEl.textContent = '';
    this.showTyping(false);
    this.notice(null);
  };

  ChatWidget.prototype.startConversation = function (locale, noticeKey) {
    var self = this;
    var generation = ++this.generation;
    this.locale = locale;
    this.applyLocale();
    this.resetView();
    this.session = null;
    try { window.localStorage.removeItem(this.storageKey); } catch (e) { /* ignore */ }
    this.setStatus('connecting');
    this.showTyping(true);
    return this.request('POST', '/conversations', { locale: locale }).then(function (res) {
      if (generation !== self.generation) return;
      if (res.status !== 201 || !res.data) throw new Error('open failed: ' + res.status);
      self.session = {
        conversationId: res.data.conversationId,
        token: res.data.token,
        locale: locale,
        outgoing: [],
        answers: {},
      };
      self.save();
      self.setStatus(null);
      if (noticeKey) self.notice(noticeKey);
      self.connect();
    }).catch(function () {
      if (generation !== self.generation) return;
      self.showTyping(false);
      self.setStatus(null);
      self.notice('startFailed', function () { self.startConversation(locale); });
    });
  };

  ChatWidget.prototype.resume = function () {
    var self = this;
    var generation = this.generation;
    this.resetView();
    this.session.outgoing = this.session.outgoing || [];
    this.session.answers = this.session.answers || {};
    this.applyLocale();
    return this.request('GET', '/conversations/' + encodeURIComponent(this.session.conversationId) + '/messages?after=0', undefined, this.session.token)
      .then(function (res) {
        if (generation !== self.generation) return;
        if (res.status === 401 || res.status === 404) {
          self.startConversation(self.locale, 'expired');
          return;
        }
        if (!res.ok) throw new Error('resume failed: ' + res.status);
        self.renderTimeline(res.data || []);
        self.connect();
        self.flushPending();
      })
      .catch(function () {
        if (generation !== self.generation) return;
        self.setStatus('reconnecting');
        self.startPolling();
      });
  };

  ChatWidget.prototype.switchLocale = function (locale) {
    if (locale === this.locale && this.session) return;
    this.startConversation(locale);
  };

  /* ---------- live updates: SSE with polling fallback ---------- */

  ChatWidget.prototype.connect = function () {
    var self = this;
    if (!this.session) return;
    this.disconnect();
    if (typeof window.EventSource !== 'function') {
      this.startPolling();
      return;
    }
    var s = this.session;
    var url = this.url('/conversations/' + encodeURIComponent(s.conversationId) + '/events?after=' + this.lastSeq +
      '&access_token=' + encodeURIComponent(s.token));
    var source = new EventSource(url);
    var generation = this.generation;
    this.events = source;
    source.addEventListener('open', function () {
      self.setStatus(null);
      self.stopPolling();
    });
    source.addEventListener('message', function (e) {
      if (generation !== self.generation) return;
      try {
        self.receive([JSON.parse(e.data)]);
      } catch (err) {
        /* a malformed event is skipped; the next fetch fills any gap */
      }
    });
    source.addEventListener('error', function () {
      if (generation !== self.generation) return;
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (expired conversation, proxy without streaming): poll instead.
        self.events = null;
        self.startPolling();
      } else {
        self.setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
      }
    });
  };

  ChatWidget.prototype.disconnect = function () {
    if (this.events) {
      this.events.close();
      this.events = null;
    }
    this.stopPolling();
  };

  ChatWidget.prototype.startPolling = function () {
    var self = this;
    if (this.pollTimer) return;
    var tick = function () {
      self.pollTimer = window.setTimeout(function () {
        self.fetchMessages().then(function () {
          if (self.pollTimer) tick();
        });
      }, document.hidden ? POLL_HIDDEN_MS : POLL_VISIBLE_MS);
    };
    this.fetchMessages();
    tick();
  };

  ChatWidget.prototype.stopPolling = function () {
    if (this.pollTimer) {
      window.clearTimeout(this.pollTimer);
      this.pollTimer = null;
    }
  };

  ChatWidget.prototype.fetchMessages = function () {
    var self = this;
    if (!this.session) return Promise.resolve();
    var generation = this.generation;
    var s = this.session;
    return this.request('GET', '/conversations/' + encodeURIComponent(s.conversationId) + '/messages?after=' + this.lastSeq, undefined, s.token)
      .then(function (res) {
        if (generation !== self.generation) return;
        if (res.status === 401 || res.status === 404) {
          self.startConversation(self.locale, 'expired');
          return;
        }
        if (!res.ok) {
          self.setStatus('reconnecting');
          return;
        }
        if (!self.events) self.setStatus(null);
        self.receive(res.data || []);
      })
      .catch(function () {
        if (generation === self.generation) self.setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
      });
  };

  /* ---------- rendering ---------- */

  ChatWidget.prototype.receive = function (messages) {
    var self = this;
    var added = false;
    messages.forEach(function (m) {
      if (!m || typeof m.seq !== 'number' || self.renderedSeqs[m.seq]) return;
      self.renderBot(m);
      added = true;
    });
    if (added) {
      this.showTyping(false);
      this.refreshQuestions();
      this.scrollToEnd();
    }
  };

  // On resume: the service's messages and the customer's own (kept locally) merged in the order they happened.
  ChatWidget.prototype.renderTimeline = function (messages) {
    var self = this;
    var outgoing = this.session.outgoing.slice();
    messages.sort(function (a, b) { return a.seq - b.seq; });
    messages.forEach(function (m) {
      while (outgoing.length && outgoing[0].afterSeq < m.seq) self.renderUser(outgoing.shift());
      self.renderBot(m);
    });
    outgoing.forEach(function (o) { self.renderUser(o); });
    this.refreshQuestions();
    this.scrollToEnd();
  };

  ChatWidget.prototype.timeLabel = function (iso) {
    var date = iso ? new Date(iso) : new Date();
    if (isNaN(date.getTime())) return '';
    try {
      return date.toLocaleTimeString(this.locale, { hour: 'numeric', minute: '2-digit' });
    } catch (e) {
      return '';
    }
  };

  ChatWidget.prototype.renderBot = function (m) {
    var self = this;
    this.renderedSeqs[m.seq] = true;
    this.messages.push(m);
    if (m.seq > this.lastSeq) this.lastSeq = m.seq;

    var previous = this.logEl.lastElementChild;
    var continued = previous && previous.classList.contains('cf-row--bot');
    var row = el('div', { className: 'cf-row cf-row--bot' + (continued ? ' cf-row--continued' : '') });
    var bubble = el('div', {
      className: 'cf-bubble cf-bubble--bot',
      'data-testid': 'message-bot',
      'data-seq': String(m.seq),
      'data-question-id': m.question ? m.question.id : null,
      'data-question-kind': m.question ? m.question.kind : null,
    }, [
      el('span', { className: 'cf-sr-only', text: this.t('assistant') + ': ' }),
      el('span', { className: 'cf-text', text: m.text || '' }),
      el('time', { className: 'cf-time', datetime: m.sentAt || '', text: this.timeLabel(m.sentAt) }),
    ]);
    row.appendChild(bubble);

    var q = m.question;
    if (q && ((q.options && q.options.length) || q.skippable)) {
      row.appendChild(this.renderQuestion(m, q));
    }
    this.logEl.appendChild(row);
    if (q && q.kind === 'freeText' && this.isLatestQuestion(m.seq)) {
      this.updatePlaceholder();
    }
    return self;
  };

  ChatWidget.prototype.renderQuestion = function (m, q) {
    var self = this;
    var options = q.options || [];
    var numeric = options.length > 0 && options.every(function (o) { return (o.label || '').length <= 3; });
    var layout = q.kind === 'choice' ? 'stack'
      : q.kind === 'rating' && numeric ? 'scale'
        : 'wrap';
    var group = el('div', {
      className: 'cf-question cf-question--' + layout,
      role: 'group',
      'aria-label': (m.text || this.t('options')).slice(0, 120),
      'data-testid': 'question',
      'data-question-id': q.id,
      'data-kind': q.kind,
      'data-seq': String(m.seq),
    });
    var list = el('div', { className: 'cf-options' });
    if (layout === 'scale') {
      // 0-10 comes out as two rows of 6 and 5; short scales stay on one row.
      var columns = options.length <= 7 ? options.length : Math.ceil(options.length / 2);
      list.style.setProperty('--cf-columns', String(columns));
    }
    options.forEach(function (o) {
      list.appendChild(el('button', {
        type: 'button',
        className: 'cf-option',
        'data-testid': 'option',
        'data-value': o.value,
        'aria-pressed': 'false',
        onclick: function () { self.press(m, q, o); },
      }, [
        el('span', { className: 'cf-check', 'aria-hidden': 'true', html: ICONS.check }),
        el('span', { className: 'cf-option-label', text: o.label }),
      ]));
    });
    if (options.length) group.appendChild(list);
    if (q.skippable) {
      group.appendChild(el('button', {
        type: 'button',
        className: 'cf-skip',
        'data-testid': 'skip',
        'aria-pressed': 'false',
        text: this.t('skip'),
        onclick: function () { self.skip(m, q); },
      }));
    }
    return group;
  };

  ChatWidget.prototype.renderUser = function (item) {
    var self = this;
    var previous = this.logEl.lastElementChild;
    var continued = previous && previous.classList.contains('cf-row--user');
    var status = el('span', { className: 'cf-delivery' });
    var bubble = el('div', {
      className: 'cf-bubble cf-bubble--user',
      'data-testid': 'message-user',
      'data-message-id': item.id,
    }, [
      el('span', { className: 'cf-sr-only', text: this.t('you') + ': ' }),
      el('span', { className: 'cf-text', text: item.display }),
      el('time', { className: 'cf-time', datetime: item.at || '', text: this.timeLabel(item.at) }),
    ]);
    var row = el('div', { className: 'cf-row cf-row--user' + (continued ? ' cf-row--continued' : '') }, [bubble, status]);
    this.userNodes[item.id] = row;
    row.addEventListener('click', function () {
      if (row.getAttribute('data-status') === 'failed') self.deliver(item);
    });
    this.setDelivery(item, item.status || 'sent');
    this.logEl.appendChild(row);
  };

  ChatWidget.prototype.setDelivery = function (item, status) {
    item.status = status;
    var node = this.userNodes[item.id];
    if (!node) return;
    node.setAttribute('data-status', status);
    node.querySelector('[data-testid="message-user"]').setAttribute('data-status', status);
    var label = node.querySelector('.cf-delivery');
    label.textContent = status === 'failed' ? this.t('notSent') : status === 'pending' ? this.t('sending') : '';
    label.setAttribute('role', status === 'failed' ? 'button' : 'presentation');
    if (status === 'failed') label.setAttribute('tabindex', '0');
    else label.removeAttribute('tabindex');
  };

  ChatWidget.prototype.latestQuestionSeq = function () {
    for (var i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i].question) return this.messages[i].seq;
    }
    return 0;
  };

  ChatWidget.prototype.isLatestQuestion = function (seq) {
    return seq === this.latestQuestionSeq();
  };

  // A question stays open until it is answered with a button, superseded by a newer question, or the
  // customer wrote something after it and the service has replied since.
  ChatWidget.prototype.refreshQuestions = function () {
    var self = this;
    var latest = this.latestQuestionSeq();
    var answers = (this.session && this.session.answers) || {};
    var outgoing = (this.session && this.session.outgoing) || [];
    var groups = this.logEl.querySelectorAll('[data-testid="question"]');
    Array.prototype.forEach.call(groups, function (group) {
      var seq = Number(group.getAttribute('data-seq'));
      var answer = answers[seq];
      var repliedTo = outgoing.some(function (o) { return o.afterSeq >= seq && self.lastSeq > o.afterSeq; });
      var state = answer !== undefined ? 'answered' : (seq !== latest || repliedTo) ? 'closed' : 'active';
      group.setAttribute('data-state', state);
      var buttons = group.querySelectorAll('button');
      Array.prototype.forEach.call(buttons, function (button) {
        var chosen = answer !== undefined && (button.classList.contains('cf-skip')
          ? answer === SKIP_COMMAND
          : button.getAttribute('data-value') === answer);
        button.disabled = state !== 'active';
        button.setAttribute('aria-pressed', chosen ? 'true' : 'false');
        button.classList.toggle('cf-chosen', chosen);
      });
    });
    this.updatePlaceholder();
  };

  ChatWidget.prototype.updatePlaceholder = function () {
    var latest = null;
    for (var i = this.messages.length - 1; i >= 0; i--) {
      if (this.messages[i].question) { latest = this.messages[i]; break; }
    }
    var answering = latest && latest.question.kind === 'freeText' && latest.seq === this.lastSeq;
    this.input.placeholder = this.t(answering ? 'placeholderAnswer' : 'placeholder');
  };

  ChatWidget.prototype.showTyping = function (on) {
    var self = this;
    window.clearTimeout(this.typingTimer);
    this.typingEl.hidden = !on;
    if (on) {
      this.typingTimer = window.setTimeout(function () { self.typingEl.hidden = true; }, TYPING_TIMEOUT_MS);
      this.scrollToEnd();
    }
  };

  /* ---------- sending ---------- */

  ChatWidget.prototype.sendTyped = function () {
    var text = this.input.value.trim();
    if (!text || !this.session) return;
    if (text.length > MAX_TEXT) {
      this.notice('tooLong');
      return;
    }
    this.input.value = '';
    this.autosize();
    this.updateSendState();
    this.send({ text: text }, text);
    this.input.focus();
  };

  ChatWidget.prototype.press = function (m, q, option) {
    if (!this.session) return;
    this.session.answers[m.seq] = option.value;
    this.send({ button: { questionId: q.id, value: option.value } }, option.label);
    this.refreshQuestions();
  };

  ChatWidget.prototype.skip = function (m) {
    if (!this.session) return;
    this.session.answers[m.seq] = SKIP_COMMAND;
    this.send({ text: SKIP_COMMAND }, this.t('skipped'));
    this.refreshQuestions();
  };

  ChatWidget.prototype.send = function (payload, display) {
    var item = {
      id: newId(),
      payload: payload,
      display: display,
      afterSeq: this.lastSeq,
      at: new Date().toISOString(),
      status: 'pending',
    };
    this.session.outgoing.push(item);
    this.save();
    this.notice(null);
    this.renderUser(item);
    // Shown now rather than on the 202: the reply can arrive over the stream before the POST's answer does.
    this.showTyping(true);
    this.deliver(item);
  };

  // Posts with the same id until the service has it: a retry is answered "duplicate", never processed twice.
  ChatWidget.prototype.deliver = function (item, attempt) {
    var self = this;
    attempt = attempt || 0;
    var generation = this.generation;
    var s = this.session;
    this.setDelivery(item, 'pending');
    var body = { id: item.id };
    if (item.payload.text !== undefined) body.text = item.payload.text;
    if (item.payload.button !== undefined) body.button = item.payload.button;
    this.request('POST', '/conversations/' + encodeURIComponent(s.conversationId) + '/messages', body, s.token)
      .then(function (res) {
        if (generation !== self.generation) return;
        if (res.status === 202) {
          self.setDelivery(item, 'sent');
          self.persistDelivered(item);
          if (!self.events && !self.pollTimer) self.startPolling();
          return;
        }
        if (res.status === 401 || res.status === 404) {
          self.startConversation(self.locale, 'expired');
          return;
        }
        if ((res.status === 503 || res.status >= 500) && attempt < 3) {
          window.setTimeout(function () { self.deliver(item, attempt + 1); }, 800 * Math.pow(2, attempt));
          return;
        }
        self.failed(item);
      })
      .catch(function () {
        if (generation !== self.generation) return;
        if (attempt < 2 && navigator.onLine !== false) {
          window.setTimeout(function () { self.deliver(item, attempt + 1); }, 800 * Math.pow(2, attempt));
          return;
        }
        self.failed(item);
      });
  };

  ChatWidget.prototype.persistDelivered = function (item) {
    var stored = this.session.outgoing;
    for (var i = 0; i < stored.length; i++) {
      if (stored[i].id === item.id) stored[i].status = 'sent';
    }
    this.save();
  };

  ChatWidget.prototype.failed = function (item) {
    this.showTyping(false);
    this.setDelivery(item, 'failed');
    // A failed button press frees its question again.
    var answers = this.session.answers;
    Object.keys(answers).forEach(function (seq) {
      var b = item.payload.button;
      if ((b && answers[seq] === b.value) || (item.payload.text === SKIP_COMMAND && answers[seq] === SKIP_COMMAND)) {
        if (Number(seq) >= item.afterSeq) delete answers[seq];
      }
    });
    this.save();
    this.refreshQuestions();
  };

  ChatWidget.prototype.flushPending = function () {
    var self = this;
    if (!this.session) return;
    this.session.outgoing.forEach(function (item) {
      if (item.status === 'pending' || item.status === 'failed') {
        if (self.userNodes[item.id]) self.deliver(item);
      }
    });
  };

  function mount() {
    var root = document.getElementById('chatfeedback');
    if (!root || root.getAttribute('data-mounted') === 'true') return;
    root.setAttribute('data-mounted', 'true');
    var widget = new ChatWidget(root);
    root.chatfeedback = widget;
    widget.start();
  }

  ensureStylesheet(document.currentScript && document.currentScript.src);
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', mount);
  } else {
    mount();
  }
})();
