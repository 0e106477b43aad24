/*
 * control_capq.c — CAP documents waiting for the parser process.
 *
 * The daemon parses CAP in a child process (daemon/capchild.h) and the
 * event loop must not wait for it: a `cap` request or a cap_dir file
 * becomes a job here, the first job is sent (ops.cap_parse_start), and the
 * loop goes on.  The outcome comes back through control_server_cap_parsed,
 * is applied, and answers the connection (which waited, reading nothing
 * more) or moves the file; then the next job is sent.  One document is at
 * the parser at a time and at most CONTROL_CAP_QUEUE wait.
 */
#include "daemon/control_int.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "alert/cap.h"

void
control_capjob_free(struct control_capjob *job)
{
	if (job == NULL)
		return;
	free(job->doc);
	free(job->name);
	free(job->dir);
	free(job->actor);
	free(job);
}

struct control_capjob *
control_capq_find_file(struct control_server *s, const char *dir, const char *name)
{
	for (struct control_capjob *j = s->capq; j != NULL; j = j->next)
		if (j->dir != NULL && strcmp(j->dir, dir) == 0 && strcmp(j->name, name) == 0)
			return j;
	return NULL;
}

/* Apply an outcome to the first job, take it off the queue and free it. */
static void
capq_finish_first(struct control_server *s, int rc, struct cap_result *r, const char *err)
{
	struct control_capjob *job = s->capq;
	struct control_obuf b = { 0 };
	int ret;

	s->capq = job->next;
	s->ncapq--;
	s->capq_out = 0;
	s->who_uid = job->dir != NULL ? -1 : job->uid;
	s->who_actor = job->actor;
	ret = control_cap_finish(s, rc, r, err, job->name, job->now, &b, job->dir != NULL);
	s->who_actor = NULL;
	if (job->dir != NULL) {
		control_cap_dir_parsed(s, job, ret, &b);
		free(b.p);
	} else if (job->conn != NULL) {
		job->conn->capjob = NULL;
		control_conn_answer_held(job->conn, &b);
	} else {
		free(b.p);    /* the client went: applied, not answered */
	}
	control_capjob_free(job);
}

/* Send the first job unless one is out; one that cannot be sent fails now. */
static void
capq_send(struct control_server *s)
{
	while (s->capq != NULL && !s->capq_out) {
		struct control_capjob *job = s->capq;
		char err[512] = "no CAP parser";

		s->capq_out = 1;
		if (s->ops.cap_parse_start(s->arg, job->doc, job->len, job->name, job->now, err, sizeof err) == 0)
			return;
		capq_finish_first(s, -1, NULL, err);
	}
	if (s->capq == NULL && s->capq_full && s->capsettle != NULL) {
		/* a cap_dir file was left for want of room: look again now */
		s->capq_full = 0;
		event_active(s->capsettle, EV_TIMEOUT, 0);
	}
}

int
control_capq_add(struct control_server *s, struct control_capjob *job)
{
	struct control_capjob **pp = &s->capq;

	if (s->ncapq >= CONTROL_CAP_QUEUE)
		return -1;
	while (*pp != NULL)
		pp = &(*pp)->next;
	job->next = NULL;
	*pp = job;
	s->ncapq++;
	capq_send(s);
	return 0;
}

void
control_server_cap_parsed(struct control_server *s, int rc, struct cap_result *r, const char *err)
{
	if (s == NULL || s->capq == NULL || !s->capq_out) {
		if (rc == 0 && r != NULL)
			cap_result_clear(r);
		return;
	}
	capq_finish_first(s, rc, rc == 0 ? r : NULL, err ? err : "no error given");
	capq_send(s);
}

void
control_capq_clear(struct control_server *s)
{
	if (s->capq_out && s->ops.cap_parse_cancel != NULL)
		s->ops.cap_parse_cancel(s->arg);
	s->capq_out = 0;
	while (s->capq != NULL) {
		struct control_capjob *job = s->capq;

		s->capq = job->next;
		if (job->conn != NULL)
			job->conn->capjob = NULL;
		control_capjob_free(job);
	}
	s->ncapq = 0;
}
