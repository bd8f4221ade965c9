/*
 * berth-test volume plugin: a Docker volume driver that keeps each volume as a
 * directory under /data inside the plugin's own root filesystem. It answers the
 * volume plugin protocol (Plugin.Activate, VolumeDriver.*) over HTTP on
 * /run/docker/plugins/<socket>, one request per connection. Built static so
 * the plugin's rootfs holds nothing else.
 *
 * The option "message" of VolumeDriver.Create is written to README in the new
 * volume, and the plugin setting MESSAGE_PREFIX (env) is put before it, so a
 * test can see both reach the driver.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define DATA "/data"
#define MAX_REQUEST 65536

static char request[MAX_REQUEST + 1];

/* The string value of "key" in a flat JSON body (no escapes beyond \"), or "". */
static void json_string(const char *body, const char *key, char *out, size_t size) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\"", key);
  out[0] = '\0';
  const char *at = strstr(body, pattern);
  if (!at) return;
  at = strchr(at + strlen(pattern), ':');
  if (!at) return;
  at = strchr(at, '"');
  if (!at) return;
  at++;
  size_t n = 0;
  while (*at && *at != '"' && n + 1 < size) {
    if (*at == '\\' && at[1]) at++;
    out[n++] = *at++;
  }
  out[n] = '\0';
}

/* A volume name the driver accepts: no path separators, no dot names. */
static int valid_name(const char *name) {
  if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) return 0;
  return strchr(name, '/') == NULL;
}

static void reply(int fd, const char *json) {
  char head[256];
  int n = snprintf(head, sizeof head,
                   "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1+json\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                   strlen(json));
  if (write(fd, head, (size_t)n) < 0 || write(fd, json, strlen(json)) < 0) perror("write");
}

static void reply_err(int fd, const char *message) {
  char json[512];
  snprintf(json, sizeof json, "{\"Err\":\"%s\"}", message);
  reply(fd, json);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void handle(int fd, const char *path, const char *body) {
  char name[256], dir[512], json[8192];
  json_string(body, "Name", name, sizeof name);
  snprintf(dir, sizeof dir, DATA "/%s", name);
  struct stat st;

  if (strcmp(path, "/Plugin.Activate") == 0) {
    reply(fd, "{\"Implements\":[\"VolumeDriver\"]}");
  } else if (strcmp(path, "/VolumeDriver.Capabilities") == 0) {
    reply(fd, "{\"Capabilities\":{\"Scope\":\"local\"}}");
  } else if (strcmp(path, "/VolumeDriver.List") == 0) {
    size_t n = (size_t)snprintf(json, sizeof json, "{\"Err\":\"\",\"Volumes\":[");
    DIR *d = opendir(DATA);
    struct dirent *e;
    int first = 1;
    while (d && (e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.' || n + 600 > sizeof json) continue;
      n += (size_t)snprintf(json + n, sizeof json - n, "%s{\"Name\":\"%s\",\"Mountpoint\":\"" DATA "/%s\"}",
                            first ? "" : ",", e->d_name, e->d_name);
      first = 0;
    }
    if (d) closedir(d);
    snprintf(json + n, sizeof json - n, "]}");
    reply(fd, json);
  } else if (!valid_name(name)) {
    reply_err(fd, "invalid volume name");
  } else if (strcmp(path, "/VolumeDriver.Create") == 0) {
    char message[1024], file[600];
    json_string(body, "message", message, sizeof message);
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
      reply_err(fd, strerror(errno));
      return;
    }
    snprintf(file, sizeof file, "%s/README", dir);
    FILE *f = fopen(file, "w");
    if (f) {
      const char *prefix = getenv("MESSAGE_PREFIX");
      fprintf(f, "%s%s\n", prefix ? prefix : "", message);
      fclose(f);
    }
    reply_err(fd, "");
  } else if (stat(dir, &st) != 0) {
    reply_err(fd, "no such volume");
  } else if (strcmp(path, "/VolumeDriver.Remove") == 0) {
    if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) reply_err(fd, strerror(errno));
    else reply_err(fd, "");
  } else if (strcmp(path, "/VolumeDriver.Get") == 0) {
    snprintf(json, sizeof json,
             "{\"Err\":\"\",\"Volume\":{\"Name\":\"%s\",\"Mountpoint\":\"%s\",\"Status\":{}}}", name, dir);
    reply(fd, json);
  } else if (strcmp(path, "/VolumeDriver.Path") == 0 || strcmp(path, "/VolumeDriver.Mount") == 0) {
    snprintf(json, sizeof json, "{\"Err\":\"\",\"Mountpoint\":\"%s\"}", dir);
    reply(fd, json);
  } else if (strcmp(path, "/VolumeDriver.Unmount") == 0) {
    reply_err(fd, "");
  } else {
    reply_err(fd, "unknown call");
  }
}

/* Reads one HTTP request: headers, then Content-Length bytes of body. */
static void serve(int fd) {
  size_t got = 0;
  char *body = NULL;
  long length = 0;
  while (got < MAX_REQUEST) {
    ssize_t n = read(fd, request + got, MAX_REQUEST - got);
    if (n <= 0) break;
    got += (size_t)n;
    request[got] = '\0';
    if (!body) {
      char *end = strstr(request, "\r\n\r\n");
      if (!end) continue;
      body = end + 4;
      char *cl = strcasestr(request, "content-length:");
      length = cl && cl < end ? strtol(cl + 15, NULL, 10) : 0;
    }
    if ((long)(got - (size_t)(body - request)) >= length) break;
  }
  if (!body) return;
  char path[256] = "";
  sscanf(request, "%*s %255s", path);
  handle(fd, path, body);
}

/* As PID 1 of the plugin, SIGTERM would be ignored without a handler: the engine would wait
 * its full grace period on every disable. */
static void on_term(int signal_number) {
  (void)signal_number;
  _exit(0);
}

int main(int argc, char **argv) {
  const char *socket_name = argc > 1 ? argv[1] : "berth-test.sock";
  char socket_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
  snprintf(socket_path, sizeof socket_path, "/run/docker/plugins/%s", socket_name);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  mkdir("/run", 0755);
  mkdir("/run/docker", 0755);
  mkdir("/run/docker/plugins", 0755);
  mkdir(DATA, 0755);
  unlink(socket_path);

  int server = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  memcpy(address.sun_path, socket_path, sizeof address.sun_path);
  if (server < 0 || bind(server, (struct sockaddr *)&address, sizeof address) != 0 ||
      listen(server, 16) != 0) {
    perror(socket_path);
    return 1;
  }
  for (;;) {
    int fd = accept(server, NULL, NULL);
    if (fd < 0) continue;
    serve(fd);
    close(fd);
  }
}
