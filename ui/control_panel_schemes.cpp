#include "ui/control_panel_schemes.h"

namespace initscope::ui {

SchemeControls controls_of(Scheme scheme) {
  SchemeControls c;
  switch (scheme) {
    case Scheme::uniform:
      c.low_high = true;
      break;
    case Scheme::normal:
      c.mean = c.std = true;
      break;
    case Scheme::constant:
      c.value = true;
      break;
    case Scheme::dirac:
      c.groups = true;
      break;
    case Scheme::xavier_uniform:
    case Scheme::xavier_normal:
    case Scheme::orthogonal:
    case Scheme::lsuv:
      c.gain = true;
      break;
    case Scheme::kaiming_uniform:
    case Scheme::kaiming_normal:
      c.gain = c.mode = c.kaiming = true;
      break;
    case Scheme::trunc_normal:
      c.mean = c.std = c.trunc = true;
      break;
    case Scheme::sparse:
      c.std = c.sparsity = true;
      c.default_std = 0.01;
      break;
    case Scheme::variance_scaling:
      c.mode = c.fan_avg = c.variance_scaling = true;
      break;
    case Scheme::ones:
    case Scheme::zeros:
    case Scheme::eye:
    case Scheme::lecun_normal:
    case Scheme::lecun_uniform:
    case Scheme::torch_default:
      break;
  }
  return c;
}

QString scheme_call(Scheme scheme) {
  switch (scheme) {
    case Scheme::uniform:
      return QStringLiteral("torch.nn.init.uniform_(w, a=low, b=high)");
    case Scheme::normal:
      return QStringLiteral("torch.nn.init.normal_(w, mean, std)");
    case Scheme::constant:
      return QStringLiteral("torch.nn.init.constant_(w, val)");
    case Scheme::ones:
      return QStringLiteral("torch.nn.init.ones_(w)");
    case Scheme::zeros:
      return QStringLiteral("torch.nn.init.zeros_(w)");
    case Scheme::eye:
      return QStringLiteral("torch.nn.init.eye_(w): identity on the leading square, no gain");
    case Scheme::dirac:
      return QStringLiteral("torch.nn.init.dirac_(w, groups): 3-D to 5-D (conv) weights only");
    case Scheme::xavier_uniform:
      return QStringLiteral("torch.nn.init.xavier_uniform_(w, gain)");
    case Scheme::xavier_normal:
      return QStringLiteral("torch.nn.init.xavier_normal_(w, gain)");
    case Scheme::kaiming_uniform:
      return QStringLiteral("torch.nn.init.kaiming_uniform_(w, a, mode, nonlinearity)");
    case Scheme::kaiming_normal:
      return QStringLiteral("torch.nn.init.kaiming_normal_(w, a, mode, nonlinearity)");
    case Scheme::trunc_normal:
      return QStringLiteral("torch.nn.init.trunc_normal_(w, mean, std, a, b): a, b absolute");
    case Scheme::orthogonal:
      return QStringLiteral("torch.nn.init.orthogonal_(w, gain)");
    case Scheme::sparse:
      return QStringLiteral("torch.nn.init.sparse_(w, sparsity, std)");
    case Scheme::variance_scaling:
      return QStringLiteral("keras.initializers.VarianceScaling(scale, mode, distribution)");
    case Scheme::lecun_normal:
      return QStringLiteral(
          "keras.initializers.LecunNormal(): VarianceScaling(1.0, 'fan_in', 'truncated_normal')");
    case Scheme::lecun_uniform:
      return QStringLiteral(
          "keras.initializers.LecunUniform(): VarianceScaling(1.0, 'fan_in', 'uniform')");
    case Scheme::torch_default:
      return QStringLiteral(
          "nn.Linear's own init: torch.nn.init.kaiming_uniform_(w, a=√5), i.e. U(±1/√fan_in)");
    case Scheme::lsuv:
      return QStringLiteral(
          "torch.nn.init.orthogonal_(w, gain), then each layer rescaled until Var(z) ≈ 1 "
          "(LSUV, Mishkin & Matas 2016)");
  }
  return {};
}

}  // namespace initscope::ui
