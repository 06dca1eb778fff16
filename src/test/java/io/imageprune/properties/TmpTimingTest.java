package io.imageprune.properties;
import org.junit.jupiter.api.Test;
import io.imageprune.graph.ReferenceGraph;
class TmpTimingTest {
  @Test void timing() {
    long t0=System.nanoTime(); java.util.List<RandomCluster> cs=new java.util.ArrayList<>();
    for (long s=1;s<=250;s++) cs.add(RandomCluster.of(s));
    long t1=System.nanoTime(); java.util.List<ReferenceGraph> gs=new java.util.ArrayList<>();
    for (RandomCluster c: cs) gs.add(c.graph());
    long t2=System.nanoTime();
    java.util.Random rnd=new java.util.Random(1);
    for (int i=0;i<cs.size();i++) PlannerPropertiesTest.run(gs.get(i), PlannerPropertiesTest.randomOptions(rnd,true,""));
    long t3=System.nanoTime();
    for (int i=0;i<cs.size();i++) PlannerPropertiesTest.run(gs.get(i), PlannerPropertiesTest.randomOptions(rnd,true,""));
    long t4=System.nanoTime();
    System.out.println("TIMING gen="+(t1-t0)/1e6+" graph="+(t2-t1)/1e6+" run1="+(t3-t2)/1e6+" run2="+(t4-t3)/1e6);
  }
}
