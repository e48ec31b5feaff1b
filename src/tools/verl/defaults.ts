// Every default of the verl tool layer, in one place. GRPO values are the DianJin-R1 seed's grpo.sh.

export const GRPO_DEFAULTS = {
  adv_estimator: "grpo",
  data: {
    train_batch_size: 1024,
    max_prompt_length: 1024,
    max_response_length: 4096,
    filter_overlong_prompts: true,
    truncation: "error",
  },
  actor: {
    lr: 1e-6,
    ppo_mini_batch_size: 256,
    ppo_micro_batch_size_per_gpu: 8,
    use_kl_loss: true,
    kl_loss_coef: 0.001,
    kl_loss_type: "low_var_kl",
    entropy_coeff: 0,
    param_offload: true,
    optimizer_offload: true,
    ulysses_sequence_parallel_size: 1,
    enable_gradient_checkpointing: true,
    use_remove_padding: true,
    /** Without hf_model: current verl would write full HF weights at every save (slow, large). */
    checkpoint_contents: ["model", "optimizer", "extra"],
  },
  rollout: {
    name: "vllm",
    tensor_model_parallel_size: 4,
    gpu_memory_utilization: 0.6,
    temperature: 0.6,
    top_p: 0.95,
    n: 8,
    log_prob_micro_batch_size_per_gpu: 8,
  },
  ref: {
    log_prob_micro_batch_size_per_gpu: 8,
    param_offload: true,
  },
  trainer: {
    save_freq: 50,
    test_freq: 10,
    total_epochs: 15,
    n_gpus_per_node: 8,
    nnodes: 1,
    critic_warmup: 0,
  },
} as const;

export const VERL_DEFAULTS = {
  /** How the trainer is started; Hydra overrides are appended. */
  command: ["python3", "-m", "verl.trainer.main_ppo"] as readonly string[],
  rewardFunctionName: "compute_score",
  trackerFile: "latest_checkpointed_iteration.txt",
  /** Environment that makes the logs parseable; VLLM_ATTENTION_BACKEND is added only on request. */
  env: { PYTHONUNBUFFERED: "1", RAY_DEDUP_LOGS: "0" } as Readonly<Record<string, string>>,
  /** Estimators that compare responses within a prompt's group, so they need rollout.n > 1. */
  groupEstimators: ["grpo", "grpo_passk", "grpo_vectorized", "rloo", "rloo_vectorized", "reinforce_plus_plus_baseline", "opo", "gpg"] as readonly string[],
  /** Backends verl's Tracking accepts (current); v0.3 had the first six only. */
  loggerBackends: ["console", "wandb", "mlflow", "swanlab", "vemlp_wandb", "tensorboard", "clearml", "trackio", "file"] as readonly string[],
} as const;

/** Keys the wrapper always sets from the experiment (paths, logging, resume); overrides may not change them. */
export const OWNED_VERL_KEYS: readonly string[] = [
  "trainer.logger",
  "trainer.project_name",
  "trainer.experiment_name",
  "trainer.default_local_dir",
  "trainer.resume_mode",
  "trainer.resume_from_path",
  "actor_rollout_ref.model.path",
  "actor_rollout_ref.rollout.name",
  "custom_reward_function.path",
  "custom_reward_function.name",
  "data.train_files",
  "data.val_files",
];
