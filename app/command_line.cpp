#include "app/command_line.h"

#include <array>
#include <string_view>

#include "app/gain_command.h"
#include "app/run_command.h"
#include "app/train_command.h"
#include "app/window_commands.h"
#include "core/names.h"

namespace initscope::app {
namespace {

constexpr std::string_view kUsage =
    R"(InitScope — see how neural-network initialization shapes weights, activations and gradients.

Usage:
  initscope                     opens the window on the last experiment (or the default one)
  initscope gui [CONFIG]        opens the window on CONFIG; without a display, renders the plots
                                into ./initscope-out/ instead
  initscope run CONFIG [--out DIR] [--max-memory SIZE] [--threads N]
                                runs the experiment in CONFIG (JSON, SPEC section 3), prints a
                                per-layer table, writes DIR/stats.csv and DIR/stats.json
  initscope train CONFIG [--out DIR] [--steps N] [--threads N] [--max-memory SIZE]
                                trains the network of CONFIG on its task (Fashion-MNIST or the
                                teacher; the config's "train" object), writes DIR/train.csv,
                                DIR/train_layers.csv and step 0's DIR/stats.csv; Ctrl+C stops
                                after the current step and writes what was done (exit 130)
  initscope export CONFIG --out DIR [--format png,svg,pdf,csv] [--size WxH]
                   [--theme light|dark|slides]
                                renders the four plots and the 2x2 figure headless (default:
                                every format, 1000x750 per plot, light theme)
  initscope gain NAME [PARAM]   torch's calculate_gain(NAME, PARAM) and the empirical gain
                                1/sqrt(E[phi(z)^2]), z ~ N(0,1), of the activation NAME
  initscope --help              this text
  initscope --version           the version

NAME is a torch.nn.init.calculate_gain name (linear, identity, conv1d, conv2d, conv3d,
conv_transpose1d, conv_transpose2d, conv_transpose3d, sigmoid, tanh, relu, leaky_relu, selu) or
an InitScope activation (prelu, elu, gelu, silu, softplus, softsign). PARAM is leaky_relu's negative
slope (default 0.01), prelu's slope (0.25) or elu's alpha (1).

--max-memory refuses runs estimated above SIZE (default 4G; units K, M, G, T); --threads sets
how many cores to use (default all; the results are the same for any count).

Examples of CONFIG are in resources/examples/.

Exit codes: 0 done, 1 failure while running, 2 bad input (a missing data file too), 130 training
stopped by Ctrl+C.
)";

struct Command {
  std::string_view name;
  int (*run)(const std::vector<std::string>&, std::ostream&, std::ostream&);
};

constexpr std::array<Command, 5> kCommands{{{"gui", gui_command},
                                            {"run", run_command},
                                            {"train", train_command},
                                            {"export", export_command},
                                            {"gain", gain_command}}};

}  // namespace

std::string_view usage() {
  return kUsage;
}

int run_command_line(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty()) return gui_command({}, out, err);
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    out << kUsage;
    return kExitOk;
  }
  if (args[0] == "--version" || args[0] == "-V") {
    out << "initscope " << INITSCOPE_VERSION << "\n";
    return kExitOk;
  }
  for (const Command& command : kCommands) {
    if (args[0] == command.name) {
      return command.run(std::vector<std::string>(args.begin() + 1, args.end()), out, err);
    }
  }
  std::vector<std::string_view> names;
  for (const Command& command : kCommands) names.push_back(command.name);
  err << "initscope: " << unknown_name_message("command", args[0], names)
      << "; see initscope --help\n";
  return kExitBadInput;
}

}  // namespace initscope::app
