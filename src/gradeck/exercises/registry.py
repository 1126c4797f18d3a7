"""The catalogue of exercise families.

This module is static data so that listing families and validating decks that name them import
neither numpy nor sympy; a family's module is imported only when an exercise is generated.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradeck.exercises.model import Exercise


@dataclass(frozen=True)
class FamilyInfo:
    name: str
    description: str
    topic: str
    difficulties: tuple[int, ...]
    module: str  # under gradeck.exercises.families; it defines generate(seed, difficulty, **params)
    params: tuple[str, ...] = ()  # parameter names a deck may set for this family


FAMILIES: dict[str, FamilyInfo] = {
    info.name: info
    for info in (
        # Network families (engine)
        FamilyInfo(
            "neuron-forward",
            "Forward pass of one neuron: z = w·x + b, then sigmoid, tanh or ReLU",
            "forward-pass",
            (1, 2),
            "neuron_forward",
            ("activation",),
        ),
        FamilyInfo(
            "neuron-backprop",
            "∂L/∂w and ∂L/∂b of a sigmoid neuron under mse or bce, one sample or a batch",
            "backprop",
            (1, 2),
            "neuron_backprop",
            ("loss",),
        ),
        FamilyInfo(
            "backprop-two-layer",
            "An output weight's and a hidden weight's gradient in a 2-2-1 network",
            "backprop",
            (1, 2),
            "backprop_two_layer",
            ("hidden",),
        ),
        FamilyInfo(
            "softmax-cross-entropy",
            "Softmax probabilities, cross-entropy loss and its gradient p − y on the logits",
            "backprop",
            (1, 2),
            "softmax_ce",
        ),
        FamilyInfo(
            "sgd-momentum",
            "Two steps of SGD with momentum in torch's form (v = μv + g), or Nesterov",
            "optimizers",
            (1, 2),
            "momentum",
            ("variant",),
        ),
        FamilyInfo(
            "adam",
            "Adam's first two steps with bias correction",
            "optimizers",
            (1, 2),
            "adam",
        ),
        FamilyInfo(
            "rmsprop",
            "RMSprop's running average of squared gradients and its steps (torch's form)",
            "optimizers",
            (1, 2),
            "rmsprop",
        ),
        FamilyInfo(
            "weight-decay",
            "L2 weight decay: SGD's gradient + λw, and AdamW's decoupled w(1 − ηλ)",
            "regularisation",
            (1, 2),
            "weight_decay",
        ),
        # Other families
        FamilyInfo(
            "update-rule",
            "One gradient-descent step on a weight, a bias, or a weight vector and bias",
            "update-rules",
            (1, 2, 3),
            "update_rule",
            ("target",),
        ),
        FamilyInfo(
            "quadratic-learning-rate",
            "Gradient descent on a 1-D quadratic: contraction factor, k-th iterate, divergence",
            "update-rules",
            (1, 2),
            "quadratic",
        ),
        FamilyInfo(
            "activation-derivative",
            "Value and derivative of sigmoid, tanh, ReLU or leaky ReLU at a point",
            "activations",
            (1, 2),
            "activations",
            ("activation",),
        ),
        FamilyInfo(
            "training-iterations",
            "Iterations per epoch and total updates from N, batch size and epochs (drop_last)",
            "training",
            (1, 2),
            "training_math",
        ),
        FamilyInfo(
            "dense-param-count",
            "Weights, biases and parameters of a stack of fully connected layers",
            "shapes",
            (1, 2),
            "dense_params",
        ),
        FamilyInfo(
            "conv-param-count",
            "Parameters of one or two 2-D convolutional layers",
            "shapes",
            (1, 2),
            "conv_params",
        ),
        FamilyInfo(
            "conv-output-size",
            "Output size of a convolution from kernel, stride, padding and dilation",
            "shapes",
            (1, 2),
            "conv_size",
        ),
        FamilyInfo(
            "conv2d-value",
            "One output value of a small 2-D convolution (cross-correlation)",
            "shapes",
            (1, 2),
            "conv_value",
        ),
        FamilyInfo(
            "rnn-step",
            "One step of a vanilla RNN cell, h = tanh(W_h h + W_x x + b)",
            "rnn",
            (1, 2),
            "rnn_step",
        ),
        FamilyInfo(
            "rnn-param-count",
            "Parameters of one or two stacked vanilla RNN layers",
            "rnn",
            (1, 2),
            "rnn_params",
        ),
        FamilyInfo(
            "inverted-dropout",
            "Inverted dropout: the 1/(1 − p) scale, training output, expectation, evaluation",
            "regularisation",
            (1, 2),
            "dropout",
        ),
        FamilyInfo(
            "init-scale",
            "Xavier/Glorot and He initialisation: normal std or uniform bound from the fans",
            "initialisation",
            (1, 2),
            "initialisation",
            ("scheme",),
        ),
        FamilyInfo(
            "batch-norm",
            "Batch normalisation of a small batch in training mode: mean, variance, output",
            "normalisation",
            (1, 2),
            "batchnorm",
        ),
        FamilyInfo(
            "symbolic-derivative",
            "Derivatives typed as expressions (σ' in terms of σ, squared error, cross-entropy)",
            "calculus",
            (1, 2),
            "symbolic_derivs",
            ("item",),
        ),
        # Beyond the basics: attention, normalisation, gated cells, training practice
        FamilyInfo(
            "attention",
            "Scaled dot-product attention for 2-3 tokens: scores QKᵀ/√d, softmax, one output row",
            "attention",
            (1, 2),
            "attention",
        ),
        FamilyInfo(
            "mha-param-count",
            "Parameters of torch's nn.MultiheadAttention: q, k, v projections, biases, out_proj",
            "attention",
            (1, 2),
            "mha_params",
        ),
        FamilyInfo(
            "layer-norm",
            "Layer normalisation of one sample: mean, biased variance, output with γ and β",
            "normalisation",
            (1, 2),
            "layer_norm",
        ),
        FamilyInfo(
            "lstm-step",
            "One LSTM cell step in torch's gate order i, f, g, o: the gates, c and h",
            "rnn",
            (1, 2),
            "lstm_step",
        ),
        FamilyInfo(
            "gru-step",
            "One GRU step as torch computes it: gates r, z, candidate n, new state h",
            "rnn",
            (1, 2),
            "gru_step",
        ),
        FamilyInfo(
            "pooling",
            "Max and average pooling: output size and one output value (torch's padding rules)",
            "shapes",
            (1, 2),
            "pooling",
        ),
        FamilyInfo(
            "grad-clipping",
            "Gradient clipping by global norm (clip_grad_norm_) and by value (clip_grad_value_)",
            "training",
            (1, 2),
            "grad_clipping",
        ),
        FamilyInfo(
            "lr-schedule",
            "The rate after t scheduler steps: StepLR, CosineAnnealingLR, LinearLR warm-up",
            "training",
            (1, 2),
            "lr_schedule",
            ("schedule",),
        ),
        FamilyInfo(
            "grad-check",
            "Gradient checking: forward and central differences and their relative error to f′(w)",
            "calculus",
            (1, 2),
            "grad_check",
        ),
        FamilyInfo(
            "vanishing-gradients",
            "Vanishing and exploding gradients: the product of weights and slopes through k layers",
            "backprop",
            (1, 2),
            "vanishing",
            ("activation",),
        ),
        FamilyInfo(
            "dense-batch-backprop",
            "A dense layer's batch gradients in matrix form: ∂L/∂W = GᵀX, ∂L/∂b, ∂L/∂X = GW",
            "backprop",
            (1, 2),
            "dense_batch",
        ),
        FamilyInfo(
            "label-smoothing",
            "Cross-entropy with label smoothing as torch: target (1 − ε)y + ε/C, loss, gradient",
            "backprop",
            (1, 2),
            "label_smoothing",
        ),
        FamilyInfo(
            "bce-logits",
            "Binary cross-entropy on logits (BCEWithLogitsLoss), pos_weight: loss and σ(z) − y",
            "backprop",
            (1, 2),
            "bce_logits",
        ),
        FamilyInfo(
            "loop-bug",
            "The bug in a PyTorch training loop: softmax twice, zero_grad, step order, eval mode",
            "code-reading",
            (1, 2),
            "loop_bug",
        ),
        FamilyInfo(
            "keras-summary",
            "A keras.Sequential listing: output shape of a layer, parameters per layer and in all",
            "code-reading",
            (1, 2),
            "keras_summary",
        ),
        FamilyInfo(
            "torch-sequential",
            "An nn.Sequential listing: a batch's shape after a layer, parameters per layer and all",
            "code-reading",
            (1, 2),
            "torch_sequential",
        ),
        FamilyInfo(
            "fit-steps",
            "A Keras model.fit call: training samples, steps per epoch, total updates, last batch",
            "code-reading",
            (1, 2),
            "fit_steps",
        ),
        FamilyInfo(
            "autograd-backward",
            "What .grad holds after loss.backward(), accumulation without zero_grad included",
            "autograd",
            (1, 2),
            "autograd_backward",
        ),
        FamilyInfo(
            "gradient-tape",
            "What tf.GradientTape returns, by hand: gradients, unwatched constants, a second call",
            "autograd",
            (1, 2),
            "gradient_tape",
        ),
    )
}


class UnknownFamily(KeyError):
    pass


def family(name: str) -> FamilyInfo:
    try:
        return FAMILIES[name]
    except KeyError:
        raise UnknownFamily(name) from None


def generate(
    name: str, seed: int, difficulty: int = 1, params: Mapping[str, Any] | None = None
) -> Exercise:
    """The exercise of `name` for this seed and difficulty: the same inputs, the same exercise."""
    info = family(name)
    if difficulty not in info.difficulties:
        raise ValueError(f"{name} has difficulties {info.difficulties}, not {difficulty}")
    module = import_module(f"gradeck.exercises.families.{info.module}")
    return module.generate(seed, difficulty, **dict(params or {}))
