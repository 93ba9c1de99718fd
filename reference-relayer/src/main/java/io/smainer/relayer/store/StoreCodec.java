package io.smainer.relayer.store;

import io.smainer.chain.Felt;
import io.smainer.protocol.ProtocolCodec;
import io.smainer.protocol.TaskStatus;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * JSON forms of the stored records, for stores that keep them outside the heap (Redis). Uses the
 * protocol's one codec, so felts, amounts and bytes have their wire forms.
 *
 * <p>A task is kept in two parts: the record as created ({@link #taskToJson}, written once, the job's payload
 * included) and what its changes set ({@link #changesToJson}: the {@link TaskChanges} fields, a few hundred bytes,
 * or a few more with the result once COMPLETED), rewritten by each change; {@link #taskFromParts} puts them back
 * together. Every field of a {@link TaskRecord} is one or the other: {@link #FIXED} names those no change touches.
 */
public final class StoreCodec {
    private static final ProtocolCodec CODEC = ProtocolCodec.create();

    /** The fields of a {@link TaskRecord} fixed at creation: never part of {@link TaskChanges}. */
    static final Set<String> FIXED = Set.of("id", "seq", "escrowId", "demander", "job", "settlement", "escrowAmount",
            "baseReward", "tierMultiplier", "tier", "webhookUrl", "clientId", "createdAtMillis");

    /**
     * What a change to a task sets: every {@link TaskRecord} field but the {@link #FIXED} ones, under the same names.
     *
     * @param status where it is
     * @param nodeId the node running it, or the last tried
     * @param attempts assignments made
     * @param deadlineMillis the current attempt's deadline
     * @param completion the checked result
     * @param settling a settlement carrying it was sent
     * @param settlementTx the settlement transaction
     * @param error why it failed
     * @param updatedAtMillis when it last changed
     * @param version its version
     */
    record TaskChanges(TaskStatus status, Optional<String> nodeId, int attempts, long deadlineMillis,
            Optional<Completion> completion, boolean settling, Optional<Felt> settlementTx, Optional<String> error,
            long updatedAtMillis, long version) {
    }

    private static final Constructor<TaskRecord> TASK;
    private static final RecordComponent[] TASK_FIELDS = TaskRecord.class.getRecordComponents();
    private static final Map<String, Method> CHANGE_FIELDS = new HashMap<>();

    static {
        try {
            TASK = TaskRecord.class.getDeclaredConstructor(Arrays.stream(TASK_FIELDS).map(RecordComponent::getType)
                    .toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
        for (RecordComponent c : TaskChanges.class.getRecordComponents()) {
            CHANGE_FIELDS.put(c.getName(), c.getAccessor());
        }
        Set<String> all = Arrays.stream(TASK_FIELDS).map(RecordComponent::getName).collect(Collectors.toSet());
        Set<String> parts = new HashSet<>(FIXED);
        parts.addAll(CHANGE_FIELDS.keySet());
        if (!parts.equals(all)) { // a field added to TaskRecord must be declared fixed or changing
            throw new ExceptionInInitializerError("TaskRecord's fields " + all + " are not the fixed ones " + FIXED
                    + " and TaskChanges' " + CHANGE_FIELDS.keySet());
        }
    }

    private StoreCodec() {
    }

    /**
     * @param task a task
     * @return its JSON
     */
    public static String taskToJson(TaskRecord task) {
        return CODEC.toJson(task);
    }

    /**
     * @param json a task's JSON
     * @return the task
     */
    public static TaskRecord taskFromJson(String json) {
        return CODEC.fromJson(json, TaskRecord.class);
    }

    /**
     * @param task a task
     * @return the JSON of what its changes set ({@link TaskChanges})
     */
    public static String changesToJson(TaskRecord task) {
        return CODEC.toJson(new TaskChanges(task.status(), task.nodeId(), task.attempts(), task.deadlineMillis(),
                task.completion(), task.settling(), task.settlementTx(), task.error(), task.updatedAtMillis(),
                task.version()));
    }

    /**
     * @param created the task as created ({@link #taskToJson} of version 0)
     * @param changes what its last change set ({@link #changesToJson}), or null when it never changed
     * @return the task now
     */
    public static TaskRecord taskFromParts(String created, String changes) {
        TaskRecord base = taskFromJson(created);
        if (changes == null) {
            return base;
        }
        TaskChanges now = CODEC.fromJson(changes, TaskChanges.class);
        Object[] values = new Object[TASK_FIELDS.length];
        try {
            for (int i = 0; i < TASK_FIELDS.length; i++) {
                Method changed = CHANGE_FIELDS.get(TASK_FIELDS[i].getName());
                values[i] = changed != null ? changed.invoke(now) : TASK_FIELDS[i].getAccessor().invoke(base);
            }
            return TASK.newInstance(values);
        } catch (ReflectiveOperationException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r; // the record refused the fields (a stored task that does not validate)
            }
            throw new IllegalStateException("cannot rebuild a task from its parts", e);
        }
    }

    /**
     * @param text a string
     * @return it as a JSON string, quoted and escaped as {@link #taskToJson} writes it
     */
    public static String string(String text) {
        return CODEC.toJson(text);
    }

    /**
     * @param node a node
     * @return its JSON
     */
    public static String nodeToJson(NodeRecord node) {
        return CODEC.toJson(node);
    }

    /**
     * @param json a node's JSON
     * @return the node
     */
    public static NodeRecord nodeFromJson(String json) {
        return CODEC.fromJson(json, NodeRecord.class);
    }
}
