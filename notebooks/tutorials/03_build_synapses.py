# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Building synapses
#
# A `SynType` describes one synapse (scalar mode), a vector of them, or matrices over (pre, post). A `SynConn` connects two groups with it; `delay` shifts what `@bp.delayed` steps see.

# %%
import bp_core as bp

bp.profile.set(dt=0.1)

# %%
tau_decay, g_max, E = 2., 0.10, 0.

@bp.integrate
def ints(s, t):
    return - s / tau_decay

def update(ST, _t, pre):
    s = ints(ST['s'], _t)
    if pre['spike'] > 0:
        s += 1
    ST['s'] = s

@bp.delayed
def output(ST, post):
    post['input'] -= g_max * ST['s'] * (post['V'] - E)

AMPA = bp.SynType(name='AMPA', ST=bp.types.SynState(['s']), steps=(update, output), mode='scalar',
                  requires=dict(pre=bp.types.NeuState(['spike']), post=bp.types.NeuState(['V', 'input'])))

# %%
LIF = bp.models.get_LIF(V_rest=-65., V_reset=-65., V_th=-55.)
pre = bp.NeuGroup(LIF, 1, monitors=['spike', 'V'])
pre.ST['V'] = -65.
post = bp.NeuGroup(LIF, 1, monitors=['V'])
post.ST['V'] = -65.
syn = bp.SynConn(model=AMPA, pre_group=pre, post_group=post, conn=bp.connect.All2All(),
                 monitors=['s'], delay=1.5)
syn.runner.set_schedule(['input', 'update', 'output', 'monitor'])
net = bp.Network(pre, syn, post)
net.run(duration=100., inputs=(pre, 'ST.input', 20.))

# %%
fig, gs = bp.visualize.get_figure(2, 1, 3, 8)
fig.add_subplot(gs[0, 0])
bp.visualize.line_plot(net.ts, syn.mon.s, ylabel='s')
fig.add_subplot(gs[1, 0])
bp.visualize.line_plot(net.ts, post.mon.V, ylabel='post V', show=True)
