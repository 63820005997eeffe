// Hierarchical react-query keys: everything about a cluster sits under ['clusters', id], so
// a mutation invalidates exactly the prefix it touched. List queries put an object where a
// name would go, so a topic or group literally named "list" can never collide with a list.
export interface TopicListParams {
  search: string;
  sort: 'name' | 'partitions' | 'messages';
  includeInternal: boolean;
}

export const keys = {
  app: () => ['app'] as const,
  clusters: () => ['clusters'] as const,
  cluster: (id: string) => ['clusters', id] as const,
  clusterStatus: (id: string) => ['clusters', id, 'status'] as const,
  overview: (id: string) => ['clusters', id, 'overview'] as const,
  topics: (id: string) => ['clusters', id, 'topics'] as const,
  topicPage: (id: string, params: TopicListParams, page: number) => ['clusters', id, 'topics', { ...params, page }] as const,
  topic: (id: string, topic: string) => ['clusters', id, 'topics', topic] as const,
  topicDetail: (id: string, topic: string) => ['clusters', id, 'topics', topic, 'detail'] as const,
  topicConfigs: (id: string, topic: string) => ['clusters', id, 'topics', topic, 'configs'] as const,
  messages: (id: string, topic: string, params: object) => ['clusters', id, 'topics', topic, 'messages', params] as const,
  groups: (id: string) => ['clusters', id, 'groups'] as const,
  groupList: (id: string, search: string) => ['clusters', id, 'groups', { search }] as const,
  group: (id: string, groupId: string) => ['clusters', id, 'groups', groupId] as const,
  sandbox: () => ['sandbox'] as const,
};
