#include "app/gain_command.h"

#include <cmath>
#include <optional>

#include "app/arguments.h"
#include "app/command_line.h"
#include "core/io/format.h"
#include "core/init/gain.h"
#include "core/theory/quadrature.h"

namespace initscope::app {
namespace {

std::vector<std::string_view> all_gain_names() {
  std::vector<std::string_view> names = canonical_names<Nonlinearity>();
  for (std::string_view name : canonical_names<Activation>()) {
    if (!find_by_name<Nonlinearity>(name)) names.push_back(name);
  }
  return names;
}

}  // namespace

int gain_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (asks_for_help(args)) {
    out << usage();
    return kExitOk;
  }
  if (args.empty() || args.size() > 2) {
    err << "initscope gain: expected NAME [PARAM], e.g. initscope gain leaky_relu 0.2\n";
    return kExitBadInput;
  }
  const std::string& name = args[0];
  std::optional<double> param;
  if (args.size() == 2) {
    param = parse_number(args[1]);
    if (!param) {
      err << "initscope gain: PARAM must be a finite number, not \"" << args[1] << "\"\n";
      return kExitBadInput;
    }
  }

  const std::optional<Nonlinearity> torch_name = find_by_name<Nonlinearity>(name);
  const std::optional<Activation> activation_name = find_by_name<Activation>(name);
  if (!torch_name && !activation_name) {
    err << "initscope gain: " << unknown_name_message("nonlinearity", name, all_gain_names())
        << "\n";
    return kExitBadInput;
  }
  const Activation activation = torch_name ? activation_of(*torch_name) : *activation_name;
  const bool reads_param =
      torch_name ? *torch_name == Nonlinearity::leaky_relu : takes_param(activation);
  if (param && !reads_param) {
    err << "initscope gain: note: " << name << " takes no parameter; " << args[1]
        << " is ignored\n";
  }

  const std::string call =
      "\"" + name + "\"" + (param && reads_param ? ", " + format_number(*param) : "");
  if (torch_name) {
    out << "torch gain:      " << format_number(calculate_gain(*torch_name, param))
        << "  (torch.nn.init.calculate_gain(" << call << "))\n";
  } else {
    out << "torch gain:      none  (torch.nn.init.calculate_gain has no \"" << name << "\")\n";
  }
  const ActivationFn fn = ActivationFn::make(activation, reads_param ? param : std::nullopt);
  out << "empirical gain:  " << format_number(empirical_gain(fn)) << "  (1/sqrt(E[" << name
      << "(z)^2]), z ~ N(0,1), half-range Gauss-Hermite, " << kGaussHermiteNodes
      << " nodes per half)\n";
  return kExitOk;
}

}  // namespace initscope::app
