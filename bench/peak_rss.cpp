// initscope_peak_rss OUT PROGRAM [ARGS...]: runs PROGRAM and writes its peak resident memory in
// bytes to OUT. The benchmark runs `initscope run` through this small program because Linux carries
// the peak of the process that spawned a program over into it: spawned straight from the benchmark
// binary (hundreds of MB), every run would report the benchmark's own size.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: initscope_peak_rss OUT PROGRAM [ARGS...]\n");
    return 2;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (pid < 0 || wait4(pid, &status, 0, &usage) != pid) return 1;
  if (std::FILE* out = std::fopen(argv[1], "w")) {
    std::fprintf(out, "%lld\n", 1024LL * usage.ru_maxrss);  // Linux reports KiB
    std::fclose(out);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
