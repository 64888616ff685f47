/* config_model.h: struct nb_config (placeholder until embed/ fills it). */
#ifndef NB_CONFIG_MODEL_H
#define NB_CONFIG_MODEL_H
struct nb_config {
	struct nb_server_conf server;
};
#endif
