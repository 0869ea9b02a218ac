// The light page frontend (issues 14 and 17): ipywidgets' own widget manager and one kernel
// connection, instead of Voila's JupyterLab application. Built by build.mjs into
// ../voila/templates/gfmis/static/lite.js (+ lite.css); the template index.html.j2 loads it.
//
// What it does, in order: read jupyter-config-data (baseUrl, kernelId), connect to the page's
// kernel, register the comm target `jupyter.widget`, fetch every widget's state
// (`_loadFromKernel`: one request over the control comm), then replace each
// <script type="application/vnd.voila.cell-output+json"> by its output: a widget view, or
// simple HTML / text for the other kinds. A lost kernel or a widget that fails shows a Thai and
// English message (never a stack trace); the details go to the browser's console only.

import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
import { Widget } from '@lumino/widgets';

import { keepingBoxes } from './boxes.js';

import '@lumino/widgets/style/widget.css';
import '@lumino/widgets/style/tabbar.css';
import '@jupyter-widgets/base/css/index.css';
import '@jupyter-widgets/controls/css/widgets-base.css';
import './lite.css';

const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';
const MODULES = {
  '@jupyter-widgets/base': base,
  '@jupyter-widgets/controls': keepingBoxes(controls), // boxes keep their children's views (boxes.js)
};

// Shown instead of the page's widgets when something fails; the catalogue cannot reach the
// browser before the kernel answers, so the texts live here (Thai first, English).
const MESSAGES = {
  lost: 'การเชื่อมต่อกับเซิร์ฟเวอร์ขาดหาย กรุณาโหลดหน้านี้ใหม่ / The connection to the server was lost. Please reload this page.',
  failed: 'แสดงหน้าจอนี้ไม่สำเร็จ กรุณาโหลดหน้านี้ใหม่ / This screen could not be shown. Please reload this page.',
};

export function showProblem(kind) {
  if (document.querySelector('.gf-lite-problem[data-kind="' + kind + '"]')) return;
  const box = document.createElement('div');
  box.className = 'gf-lite-problem';
  box.setAttribute('role', 'alert');
  box.dataset.kind = kind;
  box.textContent = MESSAGES[kind];
  document.body.insertBefore(box, document.body.firstChild);
}

class LiteManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.registerCommTarget(this.comm_target_name, async (comm, msg) => {
      await this.handle_comm_open(new base.shims.services.Comm(comm), msg);
    });
  }

  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (module && module[className]) return module[className];
    throw new Error(`widget class ${moduleName}@${moduleVersion} ${className} is not in the light frontend`);
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) comm.open(data, metadata, buffers);
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }

  // A widget the manager could not make (its class is not in this bundle, or it failed):
  // ipywidgets draws its error widget in its place, which shows a stack trace on a click. Here
  // the page says it could not be shown instead (Thai and English), and the details go to the
  // console only.
  async create_view(model, options = {}) {
    const view = await super.create_view(model, options);
    if (typeof view.generateErrorMessage === 'function') {
      const { msg, stack } = view.generateErrorMessage();
      console.error('a widget could not be drawn:', msg, stack);
      view.el.onclick = null;
      view.el.replaceChildren();
      showProblem('failed');
    }
    return view;
  }

  async display_view(view, el) {
    Widget.attach(view.luminoWidget, el);
    return view;
  }
}

function config() {
  const el = document.getElementById('jupyter-config-data');
  return el ? JSON.parse(el.textContent) : {};
}

function xsrf() {
  const match = document.cookie.match('\\b_xsrf=([^;]*)\\b');
  return (match && match[1]) || '';
}

// One output of a cell, drawn in the element `host` (the script's parent).
async function renderOutput(manager, output, host) {
  const data = output.data || {};
  const node = document.createElement('div');
  node.className = 'jp-OutputArea-output';
  if (data[WIDGET_MIME]) {
    const model = await manager.get_model(data[WIDGET_MIME].model_id);
    const view = await manager.create_view(model);
    node.classList.add('lm-Widget', 'lm-Panel');
    host.appendChild(node);
    Widget.attach(view.luminoWidget, node);
    return;
  }
  if (output.output_type === 'stream') {
    const pre = document.createElement('pre');
    pre.textContent = [].concat(output.text || '').join('');
    node.classList.add('jp-RenderedText');
    node.appendChild(pre);
  } else if (output.output_type === 'error') {
    console.error('a cell failed:', output.ename, output.evalue);
    return;
  } else if (data['text/html']) {
    node.classList.add('jp-RenderedHTMLCommon', 'jp-RenderedHTML');
    node.innerHTML = [].concat(data['text/html']).join('');
  } else if (data['text/plain']) {
    const pre = document.createElement('pre');
    pre.textContent = [].concat(data['text/plain']).join('');
    node.classList.add('jp-RenderedText');
    node.appendChild(pre);
  } else {
    return;
  }
  host.appendChild(node);
}

// The kernel's messages of one execution (a click, the clock's beat) applied together: from its
// «busy» to its «idle», the handling of what arrives waits, then all of it runs in one task, so the
// browser restyles, lays out and paints the screen once instead of once for each few messages
// (issue 14: a click's messages arrive over 100 ms and more, and each frame in between was styled,
// laid out, painted, rastered and composited). An execution that lasts longer than HOLD_MS is
// drawn as it goes from then on, as before (a long one still shows its progress).
const HOLD_MS = 150;

export function batchWhileBusy(kernel, holdMs = HOLD_MS) {
  let hold = null;
  const release = () => {
    if (!hold) return;
    clearTimeout(hold.timer);
    hold.open();
    hold = null;
  };
  const handle = kernel._handleMessage.bind(kernel);
  kernel._handleMessage = async (msg) => {
    if (hold) await hold.promise;
    return handle(msg);
  };
  kernel.anyMessage.connect((_, { msg, direction }) => {
    if (direction !== 'recv' || msg.channel !== 'iopub' || msg.header.msg_type !== 'status') return;
    const state = msg.content.execution_state;
    if (state === 'busy' && !hold) {
      let open;
      const promise = new Promise((resolve) => { open = resolve; });
      hold = { promise, open, timer: setTimeout(release, holdMs) };
    } else if (state !== 'busy') {
      release();
    }
  });
  kernel.connectionStatusChanged.connect(release);
}

function watch(kernel) {
  let timer = null;
  kernel.connectionStatusChanged.connect((_, status) => {
    clearTimeout(timer);
    if (status === 'disconnected') showProblem('lost');
    // reconnecting for longer than a few seconds: say so (the message stays if it comes back late)
    else if (status === 'connecting') timer = setTimeout(() => showProblem('lost'), 8000);
  });
  kernel.statusChanged.connect((_, status) => {
    if (status === 'dead' || status === 'autorestarting' || status === 'restarting') showProblem('lost');
  });
}

export async function start() {
  const page = config();
  const kernelId = page.kernelId;
  if (!kernelId) {
    reveal();
    return;
  }
  const serverSettings = ServerConnection.makeSettings({ baseUrl: page.baseUrl || '/' });
  const kernel = new KernelConnection({ model: { id: kernelId, name: 'python3' }, serverSettings, handleComms: true });
  watch(kernel);
  batchWhileBusy(kernel);
  window.addEventListener('beforeunload', () => {
    const form = new FormData();
    form.append('_xsrf', xsrf());
    navigator.sendBeacon(`${serverSettings.baseUrl}voila/api/shutdown/${kernel.id}`, form);
    kernel.dispose();
  });
  const manager = new LiteManager(kernel);
  window.gfmisLite = { kernel, manager };
  await manager._loadFromKernel();
  const scripts = document.body.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]');
  await Promise.all(Array.from(scripts, async (script) => {
    const host = script.parentElement;
    let output;
    try {
      output = JSON.parse(script.textContent);
      script.remove();
      await renderOutput(manager, output, host);
    } catch (error) {
      console.error('an output could not be drawn:', error);
      showProblem('failed');
    }
  }));
  reveal();
  document.body.dataset.gfLite = 'ready';
}

// The cells are shown (and Voila's spinner removed) once the widgets are drawn, or failed.
function reveal() {
  window.themeLoaded = true;
  if (window.cellLoaded && window.display_cells) window.display_cells();
  window.dispatchEvent(new Event('resize'));
}

start().catch((error) => {
  console.error('the page could not start:', error);
  showProblem('failed');
  reveal();
});
