// The dashboards' page: the cells' outputs Voila rendered, with their widgets connected to the page's kernel.
//
// Voila's own front end starts a JupyterLab application (its notebook, editor and command modules) to show
// widgets; this page starts only a widget manager over a kernel connection. Widget libraries other than
// ipywidgets' own come from the labextensions installed beside their Python packages (bqplot, bqscales,
// anywidget), loaded as JupyterLab loads them, so their front ends always match their Python sides.

import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import { CommsOverSubshells, KernelConnection, ServerConnection } from '@jupyterlab/services';
import * as luminoWidgets from '@lumino/widgets';
import * as luminoMessaging from '@lumino/messaging';
import { version as baseVersion } from '@jupyter-widgets/base/package.json';
import { version as controlsVersion } from '@jupyter-widgets/controls/package.json';
import { version as widgetsVersion } from '@lumino/widgets/package.json';
import { version as messagingVersion } from '@lumino/messaging/package.json';
import '@jupyter-widgets/controls/css/widgets-base.css';
import '@lumino/widgets/style/index.css';
import './base.css';

const { Widget } = luminoWidgets;
const VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
// A page among twenty on a few cores can take longer than the libraries' two seconds to create a model.
const MODEL_WAIT_MS = 120000;

// The share scope webpack's module federation reads: the singletons the labextensions expect the page to hold.
const shareScope = {};
function provide(name, version, module) {
  shareScope[name] = { [version]: { get: () => Promise.resolve(() => module), from: 'bpwidgets', eager: true, loaded: 1 } };
}
provide('@jupyter-widgets/base', baseVersion, base);
provide('@jupyter-widgets/controls', controlsVersion, controls);
provide('@lumino/widgets', widgetsVersion, luminoWidgets);
provide('@lumino/messaging', messagingVersion, luminoMessaging);

// Widget managers of JupyterLab and Voila: this page is one itself.
const MANAGERS = new Set(['@jupyter-widgets/jupyterlab-manager', '@voila-dashboards/widgets-manager7',
                          '@voila-dashboards/widgets-manager8']);

const modules = {
  '@jupyter-widgets/base': base,
  '@jupyter-widgets/controls': controls,
};

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

// Loads each labextension and runs its plugins that register widget modules (bqplot's, anywidget's, ...).
async function loadWidgetLibraries(config) {
  const registry = { registerWidget: (entry) => { modules[entry.name] = entry.exports; } };
  window._JUPYTERLAB = window._JUPYTERLAB || {};
  const extensions = (config.federated_extensions || []).filter((extension) => !MANAGERS.has(extension.name));
  await Promise.all(extensions.map(async (extension) => {
    try {
      await loadScript(`${config.fullLabextensionsUrl}/${extension.name}/${extension.load}`);
      const container = window._JUPYTERLAB[extension.name];
      await container.init(shareScope);
      const exported = (await container.get(extension.extension))();
      const plugins = [].concat(exported.default || exported);
      for (const plugin of plugins) {
        const requires = plugin.requires || [];
        if (requires.length === 1 && requires[0] === base.IJupyterWidgetRegistry) plugin.activate(null, registry);
      }
    } catch (error) {
      // a labextension of another kind (JupyterLab's own) is not needed here
      console.debug(`bpwidgets page: ${extension.name} not loaded`, error);
    }
  }));
}

class PageManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    this.views = new Set();
    kernel.registerCommTarget(this.comm_target_name, async (comm, msg) => {
      await this.handle_comm_open(new base.shims.services.Comm(comm), msg);
    });
    window.addEventListener('resize', () => this.views.forEach(
      (view) => luminoMessaging.MessageLoop.postMessage(view.luminoWidget, Widget.ResizeMessage.UnknownSize)));
  }

  async loadClass(className, moduleName, moduleVersion) {
    let module = modules[moduleName];
    if (typeof module === 'function') module = modules[moduleName] = await module();
    if (!module) throw new Error(`the widget library ${moduleName}@${moduleVersion} is not installed beside the server`);
    if (!module[className]) throw new Error(`${moduleName}@${moduleVersion} has no widget ${className}`);
    return module[className];
  }

  async get_model(modelId) {
    const start = Date.now();
    while (this._models[modelId] === undefined && Date.now() - start < MODEL_WAIT_MS) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return super.get_model(modelId);
  }

  async _create_comm(target, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) comm.open(data, metadata, buffers);
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }

  async display_view(view, element) {
    Widget.attach(view.luminoWidget, element);
    this.views.add(view);
    view.once('remove', () => this.views.delete(view));
  }
}

function showText(box, text, mime) {
  const pre = document.createElement('pre');
  pre.className = 'lm-Widget jp-RenderedText';
  pre.setAttribute('data-mime-type', mime);
  pre.textContent = text;
  box.appendChild(pre);
}

async function showOutput(manager, output, box) {
  const data = output.data || {};
  if (data[VIEW_MIME]) {
    try {
      const model = await manager.get_model(data[VIEW_MIME].model_id);
      await manager.display_view(await manager.create_view(model), box);
    } catch (error) {
      showText(box, `Error displaying widget: ${error.message || error}`, 'application/vnd.jupyter.stderr');
    }
  } else if (data['text/html'] !== undefined) {
    box.innerHTML = [].concat(data['text/html']).join('');
  } else if (data['image/png'] !== undefined) {
    const image = document.createElement('img');
    image.src = `data:image/png;base64,${data['image/png']}`;
    box.appendChild(image);
  } else if (output.output_type === 'stream') {
    showText(box, [].concat(output.text).join(''), `application/vnd.jupyter.${output.name}`);
  } else if (output.output_type === 'error') {
    showText(box, output.traceback.join('\n').replace(/\x1b\[[0-9;]*m/g, ''), 'application/vnd.jupyter.stderr');
  } else if (data['text/plain'] !== undefined) {
    showText(box, [].concat(data['text/plain']).join(''), 'text/plain');
  }
}

function reveal() {
  const spinner = document.getElementById('loading');
  if (spinner) spinner.remove();
  const cells = document.getElementById('rendered_cells');
  if (cells) cells.style.display = '';
}

async function main() {
  const config = JSON.parse(document.getElementById('jupyter-config-data').textContent);
  const wsUrl = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${config.baseUrl}`;
  const serverSettings = ServerConnection.makeSettings({ baseUrl: config.baseUrl, wsUrl });
  // a connection of its own, not a kernel manager's: Voila serves no list of kernels for a manager to poll
  // comms on the main shell: Voila's server does not pass on the subshell requests of newer kernel protocols
  const kernel = new KernelConnection({ model: { id: config.kernelId, name: 'python3' }, serverSettings,
                                        commsOverSubshells: CommsOverSubshells.Disabled });
  const manager = new PageManager(kernel);
  // a closed tab frees its kernel at once, as Voila's own page does (the server's grace period is for tabs that
  // vanish without a word)
  window.addEventListener('beforeunload', () => {
    const form = new FormData();
    form.append('_xsrf', (document.cookie.match('\\b_xsrf=([^;]*)\\b') || [])[1] || '');
    navigator.sendBeacon(`${config.baseUrl}voila/api/shutdown/${kernel.id}`, form);
    kernel.dispose();
  });
  await Promise.all([loadWidgetLibraries(config), kernel.info]);
  await manager._loadFromKernel();
  const boxes = [];
  for (const script of document.querySelectorAll('script[type="application/vnd.voila.cell-output+json"]')) {
    const box = document.createElement('div');
    box.className = 'lm-Widget jp-OutputArea-output';
    script.replaceWith(box);
    boxes.push(showOutput(manager, JSON.parse(script.textContent), box));
  }
  reveal();
  await Promise.all(boxes);
}

main().catch((error) => {
  console.error(error);
  reveal();
  const box = document.getElementById('rendered_cells') || document.body;
  showText(box, `This page could not connect to its kernel: ${error.message || error}. Reload the page.`,
           'application/vnd.jupyter.stderr');
});
