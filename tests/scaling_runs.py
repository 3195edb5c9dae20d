"""Legacy K code under the frameworks' own scale-out engines, one scenario per process.

    python tests/scaling_runs.py {jax,tensorflow,torch} OUT.json

Each scenario runs the same K-built computation (a 2-layer MLP's mean squared error, its
gradients and three SGD steps) twice: on one device, and spread over several by the framework
(``jax.jit`` on inputs sharded over 4 host devices; ``tf.distribute.MirroredStrategy`` over 2
logical CPUs; torch ``DistributedDataParallel`` with gloo over 2 processes). It writes both
results to OUT.json, which ``tests/test_scaling.py`` compares. Device counts are fixed when a
framework starts, so the caller sets them (``XLA_FLAGS``) or the scenario does before any work.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import numpy as np

BATCH, FEATURES, HIDDEN, CLASSES = 16, 8, 6, 3
STEPS, LEARNING_RATE = 3, 0.1


def data() -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """x (BATCH, FEATURES), y (BATCH, CLASSES) and the parameters [W1, b1, W2, b2], float32."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((BATCH, FEATURES)).astype(np.float32)
    y = rng.standard_normal((BATCH, CLASSES)).astype(np.float32)
    params = [
        rng.standard_normal(shape).astype(np.float32) * 0.5
        for shape in ((FEATURES, HIDDEN), (HIDDEN,), (HIDDEN, CLASSES), (CLASSES,))
    ]
    return x, y, params


def loss(K: Any, params: list[Any], x: Any, y: Any) -> Any:
    """The K-built loss: legacy backend code, unchanged whatever runs it."""
    w1, b1, w2, b2 = params
    hidden = K.relu(K.dot(x, w1) + b1)
    return K.mean(K.square(K.dot(hidden, w2) + b2 - y))


def result(losses: list[Any], params: list[Any], **facts: Any) -> dict[str, Any]:
    return {
        "losses": [float(np.asarray(value)) for value in losses],
        "params": [np.asarray(p).tolist() for p in params],
        **facts,
    }


# --------------------------------------------------------------------------- jax


def run_jax() -> dict[str, Any]:
    """``jax.jit`` of the K-built step, on one device and on inputs sharded over the batch axis
    of a 4-device mesh (NamedSharding); then the same with ``K.function``."""
    import jax
    import jax.numpy as jnp
    from jax.sharding import Mesh, NamedSharding
    from jax.sharding import PartitionSpec as P

    from multik import backend as K

    x, y, init = data()

    @jax.jit
    def step(params: list[Any], x: Any, y: Any) -> tuple[Any, list[Any]]:
        value, grads = jax.value_and_grad(lambda p: loss(K, p, x, y))(params)
        return value, [p - LEARNING_RATE * g for p, g in zip(params, grads)]

    def train(params: list[Any], x: Any, y: Any) -> tuple[list[Any], list[Any]]:
        losses = []
        for _ in range(STEPS):
            value, params = step(params, x, y)
            losses.append(value)
        return losses, params

    mesh = Mesh(np.array(jax.devices()), ("batch",))
    by_batch, replicated = NamedSharding(mesh, P("batch")), NamedSharding(mesh, P())
    xs, ys = jax.device_put(x, by_batch), jax.device_put(y, by_batch)
    sharded_losses, sharded_params = train(jax.device_put(init, replicated), xs, ys)
    single_losses, single_params = train([jnp.asarray(p) for p in init], x, y)
    function, variables = k_function_train_step(K, init)
    function_losses = [function([xs, ys]) for _ in range(STEPS)]
    return {
        "single": result(single_losses, single_params),
        "distributed": result(
            sharded_losses,
            sharded_params,
            devices=len(jax.devices()),
            input_shards=len(xs.addressable_shards),
        ),
        "k_function": result(function_losses, [K.eval(v) for v in variables]),
    }


def k_function_train_step(K: Any, init: list[np.ndarray]) -> tuple[Any, list[Any]]:
    """A K.function train step (K.gradients and SGD updates), and its new K.variables."""
    variables = [K.variable(p) for p in init]
    x, y = K.placeholder((None, FEATURES)), K.placeholder((None, CLASSES))
    value = loss(K, variables, x, y)
    grads = K.gradients(value, variables)
    updates = [(v, v - LEARNING_RATE * g) for v, g in zip(variables, grads)]
    return K.function([x, y], value, updates=updates), variables


# --------------------------------------------------------------------------- tensorflow


def run_tensorflow() -> dict[str, Any]:
    """The K-built step in a tf.function, on one device and replicated by MirroredStrategy over
    two logical CPUs (each replica computes its half of the batch; gradients are averaged)."""
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from multik import backend as K

    x, y, init = data()
    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])

    def gradients(params: list[Any], x: Any, y: Any) -> tuple[Any, list[Any]]:
        with tf.GradientTape() as tape:
            value = loss(K, params, x, y)
        return value, tape.gradient(value, params)

    def train(step: Callable[..., Any], *xy: Any) -> list[Any]:
        return [step(*xy) for _ in range(STEPS)]

    single = [tf.Variable(p) for p in init]

    @tf.function
    def single_step(x: Any, y: Any) -> Any:
        value, grads = gradients(single, x, y)
        for param, grad in zip(single, grads):
            param.assign_sub(LEARNING_RATE * grad)
        return value

    with strategy.scope():
        mirrored = [tf.Variable(p) for p in init]

    @tf.function
    def mirrored_step(batches: Any) -> Any:
        values, grads = strategy.run(lambda xy: gradients(mirrored, *xy), args=(batches,))
        for param, grad in zip(mirrored, grads):
            param.assign_sub(LEARNING_RATE * strategy.reduce("MEAN", grad, axis=None))
        return strategy.reduce("MEAN", values, axis=None)

    dataset = tf.data.Dataset.from_tensors((x, y))
    batches = next(iter(strategy.experimental_distribute_dataset(dataset)))
    single_losses = train(single_step, tf.constant(x), tf.constant(y))
    mirrored_losses = train(mirrored_step, batches)
    replicas = strategy.experimental_local_results(batches[0])
    return {
        "single": result(single_losses, single),
        "distributed": result(
            mirrored_losses,
            mirrored,
            devices=strategy.num_replicas_in_sync,
            input_shards=len(replicas),
        ),
        "variables_in_scope": multik_variables_in_scope(K, strategy, init, x, y),
    }


def multik_variables_in_scope(K: Any, strategy: Any, init: list[Any], x: Any, y: Any) -> str:
    """What K.variable and K.function do under a strategy scope, in words (see scaling.md)."""
    with strategy.scope():
        try:
            function, variables = k_function_train_step(K, init)
            function([x, y])
        except Exception as error:  # the outcome is what this reports
            return f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
    kinds = {type(v.value).__name__ for v in variables}
    return f"runs; the Variables' storages are {', '.join(sorted(kinds))}"


# --------------------------------------------------------------------------- torch


def run_torch() -> dict[str, Any]:
    """The K-built loss in a torch module, trained on one process and by
    DistributedDataParallel (gloo) over two processes, each with half of the batch."""
    import torch
    import torch.multiprocessing as mp

    x, y, init = data()
    with socket.socket() as probe:  # a free port on localhost for the process group
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    queue = mp.get_context("spawn").SimpleQueue()
    context = mp.start_processes(
        _torch_worker, args=(2, port, queue), nprocs=2, join=False, start_method="spawn"
    )
    while not context.join(timeout=60):
        pass
    distributed = queue.get()
    losses, params = _torch_train(torch.from_numpy(x), torch.from_numpy(y), init, None)
    return {"single": result(losses, params), "distributed": distributed}


def _torch_train(x: Any, y: Any, init: list[np.ndarray], wrap: Any) -> tuple[list[Any], list[Any]]:
    import torch

    from multik import backend as K

    class MLP(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.params = torch.nn.ParameterList(
                [torch.nn.Parameter(torch.tensor(p)) for p in init]
            )

        def forward(self, x: Any, y: Any) -> Any:
            return loss(K, list(self.params), x, y)

    module = MLP()
    model = wrap(module) if wrap else module
    optimizer = torch.optim.SGD(module.parameters(), lr=LEARNING_RATE)
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        value = model(x, y)
        value.backward()
        optimizer.step()
        losses.append(value.detach())
    return losses, [p.detach() for p in module.params]


def _torch_worker(rank: int, world: int, port: int, queue: Any) -> None:
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    dist.init_process_group(
        "gloo",
        init_method=f"tcp://127.0.0.1:{port}",
        rank=rank,
        world_size=world,
        timeout=timedelta(seconds=60),
    )
    x, y, init = data()
    rows = slice(rank * BATCH // world, (rank + 1) * BATCH // world)
    losses, params = _torch_train(
        torch.from_numpy(x[rows]), torch.from_numpy(y[rows]), init, DistributedDataParallel
    )
    # Each process saw half of the batch: the loss of the whole batch is their mean.
    total = torch.stack(losses)
    dist.all_reduce(total)
    if rank == 0:
        queue.put(result(list(total / world), params, devices=world, input_shards=world))
    dist.destroy_process_group()


SCENARIOS = {"jax": run_jax, "tensorflow": run_tensorflow, "torch": run_torch}

if __name__ == "__main__":
    os.environ["MULTIK_BACKEND"] = sys.argv[1]
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump(SCENARIOS[sys.argv[1]](), out)
